import { ManualClock } from "../../src/clock";
import { Enterprise, Inspection, InspectionPhoto, OrgUnit, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { HazardService } from "../../src/domain/hazards";
import { type CheckInInput, InspectionService } from "../../src/domain/inspections";
import { OutboxService } from "../../src/domain/outbox";
import { backend, openTestStores, type TestStores } from "../support/backend";

const photo = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;
/** About 111 metres of latitude per 0.001 degree. */
const north = (e: Enterprise, degrees: number) => ({ latitude: (e.latitude as number) + degrees, longitude: e.longitude as number });

describe(`inspection check-ins (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let inspections: InspectionService;
  let hazards: HazardService;
  const who = new Map<string, Person>();
  const ent = new Map<string, Enterprise>();
  const p = (name: string) => who.get(name) as Person;
  const e = (name: string) => ent.get(name) as Enterprise;
  // Each check-in's own photo: a photo another inspector already used is refused.
  let shots = 100;
  const at = (name: string, extra: Partial<CheckInInput> = {}): CheckInInput => ({ enterpriseId: e(name).id, kind: "routine", result: "no_problem", photoKeys: [photo(++shots)], ...extra });

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Person)) who.set(x.name, x);
    for (const x of await stores.db.manager.find(Enterprise)) ent.set(x.name, x);
    inspections = new InspectionService({ db: stores.db, clock, config: { farMetres: 500 } });
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    hazards = new HazardService({ db: stores.db, outbox, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] });
  });
  afterAll(() => stores.close());

  it("records a check-in near the enterprise with its distance, photos, note and the inspector's unit", async () => {
    const market = e("东岭农贸市场");
    const made = await inspections.checkIn(p("唐亮"), at("东岭农贸市场", { photoKeys: [photo(1), photo(2)], note: "  消防设施完好  ", position: north(market, 0.001) }));
    const stored = await stores.db.manager.findOneByOrFail(Inspection, { id: made.id });
    expect(stored).toMatchObject({ inspectorId: p("唐亮").id, unitId: p("唐亮").unitId, enterpriseId: market.id, kind: "routine", result: "no_problem", note: "消防设施完好", farFromSite: false, hazardId: null, checkedInAt: clock.now() });
    expect(stored.distanceMetres).toBeGreaterThanOrEqual(105);
    expect(stored.distanceMetres).toBeLessThanOrEqual(115);
    expect(stored.latitude).toBeCloseTo((market.latitude as number) + 0.001, 6);
    const photos = await stores.db.manager.find(InspectionPhoto, { where: { inspectionId: made.id }, order: { id: "ASC" } });
    expect(photos.map((x) => x.storageKey)).toEqual([photo(1), photo(2)]);
  });

  it("records and flags a check-in far from the enterprise instead of refusing it", async () => {
    const made = await inspections.checkIn(p("唐亮"), at("东岭农贸市场", { position: north(e("东岭农贸市场"), 0.01) }));
    expect(made.farFromSite).toBe(true);
    expect(made.distanceMetres).toBeGreaterThan(1000);
    expect(await stores.db.manager.findOneByOrFail(Inspection, { id: made.id })).toMatchObject({ farFromSite: true, distanceMetres: made.distanceMetres });
  });

  it("leaves distance unknown and unflagged without a shared location", async () => {
    const made = await inspections.checkIn(p("韩雪"), at("石桥加油站"));
    expect(made).toMatchObject({ latitude: null, longitude: null, distanceMetres: null, farFromSite: false });
  });

  it("refuses enterprise owners, office-only roles and deactivated people, and nobody checks in at their own enterprise", async () => {
    await expect(inspections.checkIn(p("潘德明"), at("东岭农贸市场"))).rejects.toMatchObject({ status: 403, code: "inspection_forbidden" });
    await expect(inspections.checkIn(p("陈静"), at("东岭农贸市场"))).rejects.toMatchObject({ status: 403, code: "inspection_forbidden", message: expect.stringContaining("监管人员") });
    await expect(inspections.checkIn(p("谢斌"), at("东岭农贸市场"))).rejects.toMatchObject({ status: 403, code: "person_inactive" });
    const both = { ...p("潘德明"), roles: ["enterprise_owner", "grid_member"] } as Person;
    await expect(inspections.checkIn(both, at("青禾燃气有限公司"))).rejects.toMatchObject({ status: 403, code: "inspection_own_enterprise" });
    for (const leader of ["李明", "曾国平", "罗刚", "黄志强"]) expect((await inspections.checkIn(p(leader), at("南川商贸城"))).id).toBeGreaterThan(0);
  });

  it("needs a photo when nothing was found, but not when a hazard was (its report brings photos)", async () => {
    await expect(inspections.checkIn(p("唐亮"), at("东岭农贸市场", { photoKeys: [] }))).rejects.toMatchObject({ status: 400, code: "inspection_photos_missing" });
    await expect(inspections.checkIn(p("唐亮"), at("东岭农贸市场", { photoKeys: ["../../etc/passwd"] }))).rejects.toMatchObject({ code: "inspection_photo_key_invalid" });
    const found = await inspections.checkIn(p("唐亮"), at("东岭农贸市场", { result: "hazard_found", photoKeys: [] }));
    expect(found.result).toBe("hazard_found");
  });

  it("refuses an unknown or closed enterprise, a bad kind and an impossible position", async () => {
    await expect(inspections.checkIn(p("唐亮"), { ...at("东岭农贸市场"), enterpriseId: 999999 })).rejects.toMatchObject({ status: 404, code: "enterprise_not_found" });
    await expect(inspections.checkIn(p("唐亮"), at("龙井茶叶加工厂"))).rejects.toMatchObject({ status: 400, code: "enterprise_inactive" });
    await expect(inspections.checkIn(p("唐亮"), at("东岭农贸市场", { kind: "party" as never }))).rejects.toMatchObject({ code: "inspection_kind_invalid" });
    await expect(inspections.checkIn(p("唐亮"), at("东岭农贸市场", { position: { latitude: 95, longitude: 10 } }))).rejects.toMatchObject({ code: "inspection_position_invalid" });
  });

  it("finds active enterprises by part of the name or credit code, ignoring case, best matches first", async () => {
    expect((await inspections.searchEnterprises("青禾燃气")).map((x) => x.name)).toEqual(["青禾燃气有限公司", "青禾燃气有限公司东岭供气站"]);
    expect((await inspections.searchEnterprises("供气站")).map((x) => x.name)).toEqual(["青禾燃气有限公司东岭供气站"]);
    expect((await inspections.searchEnterprises("ktv")).map((x) => x.name)).toEqual(["滨江欢唱KTV"]);
    expect((await inspections.searchEnterprises("KtV")).map((x) => x.name)).toEqual(["滨江欢唱KTV"]);
    const code = e("南川物流有限公司").creditCode;
    expect((await inspections.searchEnterprises(code.toLowerCase())).map((x) => x.name)).toEqual(["南川物流有限公司"]);
    // A closed enterprise is not offered.
    expect((await inspections.searchEnterprises("龙井")).map((x) => x.name)).toEqual(["龙井峡景区"]);
    // LIKE wildcards are plain text.
    expect(await inspections.searchEnterprises("%")).toEqual([]);
    expect(await inspections.searchEnterprises("_")).toEqual([]);
    expect(await inspections.searchEnterprises("   ")).toEqual([]);
    expect(await inspections.searchEnterprises("公司", 3)).toHaveLength(3);
  });

  it("lists the nearest active enterprises, nearest first, even from far away", async () => {
    const market = e("东岭农贸市场");
    const near = await inspections.nearestEnterprises(market.latitude as number, market.longitude as number, 5);
    expect(near).toHaveLength(5);
    expect(near[0]).toMatchObject({ enterprise: { name: "东岭农贸市场" }, metres: 0 });
    const metres = near.map((x) => x.metres as number);
    expect([...metres].sort((a, b) => a - b)).toEqual(metres);
    // Exactly the five nearest of every active enterprise with coordinates.
    const all = [...ent.values()].filter((x) => x.active && x.latitude !== null);
    const dist = (x: Enterprise) => Math.hypot((x.latitude as number) - (market.latitude as number), ((x.longitude as number) - (market.longitude as number)) * Math.cos((31.5 * Math.PI) / 180));
    expect(near.map((x) => x.enterprise.name)).toEqual(all.sort((a, b) => dist(a) - dist(b)).slice(0, 5).map((x) => x.name));
    expect(near.some((x) => x.enterprise.name === "龙井茶叶加工厂")).toBe(false);
    const remote = await inspections.nearestEnterprises(10, 10, 5);
    expect(remote).toHaveLength(5);
    await expect(inspections.nearestEnterprises(0, 0, 5)).rejects.toMatchObject({ code: "inspection_position_invalid" });
  });

  it("links the hazard a check-in found: once, same enterprise only, and only for a hazard found", async () => {
    const visit = await inspections.checkIn(p("唐亮"), at("东岭化工有限责任公司", { result: "hazard_found" }));
    const report = (enterprise: string) => hazards.report(p("唐亮"), { source: "inspection", enterpriseId: e(enterprise).id, category: "防雷检测过期", level: "general", description: "储罐区防雷检测过期" });
    const first = await report("东岭化工有限责任公司");
    expect((await inspections.linkHazard(visit.id, first.id)).hazardId).toBe(first.id);
    expect((await inspections.linkHazard(visit.id, first.id)).hazardId).toBe(first.id);
    const second = await report("东岭化工有限责任公司");
    expect((await inspections.linkHazard(visit.id, second.id)).hazardId).toBe(first.id);
    const elsewhere = await report("南川水泥有限公司");
    await expect(inspections.linkHazard(visit.id, elsewhere.id)).rejects.toMatchObject({ code: "inspection_hazard_mismatch" });
    const fine = await inspections.checkIn(p("唐亮"), at("东岭化工有限责任公司"));
    await expect(inspections.linkHazard(fine.id, first.id)).rejects.toMatchObject({ code: "inspection_no_hazard_result" });
    await expect(inspections.linkHazard(999999, first.id)).rejects.toMatchObject({ status: 404, code: "inspection_not_found" });
  });

  it("lists check-ins by inspector, enterprise, unit (with the units below) and date range, newest first, paged", async () => {
    const day = new ManualClock("2026-12-03T03:00:00Z");
    const later = new InspectionService({ db: stores.db, clock: day, config: { farMetres: 500 } });
    const a = await later.checkIn(p("彭飞"), at("南川镇宾馆", { kind: "enforcement" }));
    day.advance(60_000);
    const b = await later.checkIn(p("蔡志明"), at("南川镇宾馆", { kind: "unannounced", position: north(e("南川镇宾馆"), 0.02), photoKeys: [photo(99)] }));
    const town = await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-NC" });
    const ids = async (f: Parameters<InspectionService["list"]>[1]) => (await inspections.list(p("李明"), f)).items.map((i) => i.id);
    expect(await ids({ enterpriseId: e("南川镇宾馆").id })).toEqual([b.id, a.id]);
    expect(await ids({ inspectorId: p("蔡志明").id })).toEqual([b.id]);
    // 蔡志明 works in a village of 南川镇: the town's list includes him.
    expect(await ids({ unitId: town.id, from: new Date("2026-12-03T00:00:00+08:00") })).toEqual([b.id, a.id]);
    expect(await ids({ from: new Date("2026-12-01T00:00:00+08:00"), to: new Date("2026-12-04T00:00:00+08:00"), farFromSite: true })).toEqual([b.id]);
    expect(await ids({ kind: "enforcement", enterpriseId: e("南川镇宾馆").id })).toEqual([a.id]);
    expect(await ids({ to: new Date("2026-12-01T00:00:00+08:00"), enterpriseId: e("南川镇宾馆").id })).toEqual([]);
    const page = await inspections.list(p("李明"), { pageSize: 2, page: 2 });
    expect(page).toMatchObject({ page: 2, pageSize: 2, total: await stores.db.manager.count(Inspection) });
    expect(page.items).toHaveLength(2);
    const listed = await inspections.list(p("李明"), { enterpriseId: e("南川镇宾馆").id });
    expect(listed.names.people.get(p("蔡志明").id)).toBe("蔡志明");
    expect(listed.photos.get(b.id)).toEqual([photo(99)]);
    await expect(inspections.list(p("潘德明"), {})).rejects.toMatchObject({ status: 403 });
  });
});
