import { In } from "typeorm";
import { ManualClock } from "../../src/clock";
import { Enterprise, Hazard, HazardLedgerEntry, HazardPhoto, OrgUnit, OutboxDelivery, OutboxMessage, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { HazardService, type ReportInput } from "../../src/domain/hazards";
import { OutboxService } from "../../src/domain/outbox";
import { backend, openTestStores, type TestStores } from "../support/backend";

const DAY = 24 * 60 * 60 * 1000;
const photo = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;

describe(`hazard lifecycle (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let outbox: OutboxService;
  let hazards: HazardService;
  const who = new Map<string, Person>();
  const ent = new Map<string, Enterprise>();
  const p = (name: string) => who.get(name) as Person;
  const e = (name: string) => ent.get(name) as Enterprise;
  const build = (o: Pick<OutboxService, "enqueue"> = outbox) =>
    new HazardService({ db: stores.db, outbox: o, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] });
  const atEnterprise = (name: string, extra: Partial<ReportInput> = {}): ReportInput => ({ source: "inspection", enterpriseId: e(name).id, category: "消防通道堵塞", level: "general", description: "仓库消防通道堆放杂物", photoKeys: [photo(1)], ...extra });
  const inFuture = (days: number) => new Date(clock.now().getTime() + days * DAY);

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Person)) who.set(x.name, x);
    for (const x of await stores.db.manager.find(Enterprise)) ent.set(x.name, x);
    outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    hazards = build();
  });
  afterAll(() => stores.close());

  /** A general hazard taken to `submitted` by its owner 潘德明 at 青禾燃气有限公司. */
  async function submittedHazard(extra: Partial<ReportInput> = {}): Promise<Hazard> {
    const h = await hazards.report(p("唐亮"), atEnterprise("青禾燃气有限公司", { category: `类别-${Math.random()}`, ...extra }));
    await hazards.assign(h.id, p("郭强"), { deadline: inFuture(7), measures: "清理通道", funds: "500元，企业自筹", contingencyPlan: "现场专人值守" });
    await hazards.startRectifying(h.id, p("潘德明"));
    return hazards.submitRectification(h.id, p("潘德明"), { note: "已清理", photoKeys: [photo(2)] });
  }

  it("numbers hazards YH-<year>-<seq>, gap-free, and a rolled-back report burns no number", async () => {
    const first = await hazards.report(p("唐亮"), atEnterprise("东岭农贸市场"));
    const failing = build({ enqueue: async () => Promise.reject(new Error("outbox down")) });
    const before = { hazards: await stores.db.manager.count(Hazard), messages: await stores.db.manager.count(OutboxMessage), ledger: await stores.db.manager.count(HazardLedgerEntry) };
    await expect(failing.report(p("唐亮"), atEnterprise("东岭农贸市场"))).rejects.toThrow("outbox down");
    expect({ hazards: await stores.db.manager.count(Hazard), messages: await stores.db.manager.count(OutboxMessage), ledger: await stores.db.manager.count(HazardLedgerEntry) }).toEqual(before);
    const second = await hazards.report(p("唐亮"), atEnterprise("东岭农贸市场"));
    expect(first.number).toMatch(/^YH-2026-\d{6}$/);
    expect(second.seq).toBe(first.seq + 1);
    expect(second.number).toBe(`YH-2026-${String(first.seq + 1).padStart(6, "0")}`);
  });

  it("gives concurrent reports distinct consecutive numbers", async () => {
    const made = await Promise.all([1, 2, 3, 4, 5].map(() => hazards.report(p("唐亮"), atEnterprise("南川商贸城"))));
    const seqs = made.map((h) => h.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(5);
    expect(seqs[4]! - seqs[0]!).toBe(4);
  });

  it("numbers by the Asia/Shanghai year: 16:30 UTC on 31 December is already next year", async () => {
    const year = new ManualClock("2026-12-31T16:30:00Z");
    const svc = new HazardService({ db: stores.db, outbox: new OutboxService({ db: stores.db, clock: year, quietHours: "21:00-08:00" }), clock: year, config: { repeatWindowDays: 365 }, channels: ["wecom"] });
    expect((await svc.report(p("唐亮"), atEnterprise("东岭农贸市场"))).number).toBe("YH-2027-000001");
  });

  it("routes an enterprise hazard to its 企业单位负责人 and 行业部门监管负责人 and tells both in the same transaction", async () => {
    const h = await hazards.report(p("唐亮"), atEnterprise("青禾燃气有限公司"));
    expect({ owner: h.ownerId, supervisor: h.supervisorId, unit: h.unitId }).toEqual({ owner: p("潘德明").id, supervisor: p("郭强").id, unit: e("青禾燃气有限公司").supervisingUnitId });
    // The supervisor's notice is the card to 交办 from; the owner's the same words as text.
    const card = await stores.db.manager.findOneOrFail(OutboxMessage, { where: { idempotencyKey: `hazard:${h.id}:report:v1` } });
    const text = await stores.db.manager.findOneOrFail(OutboxMessage, { where: { idempotencyKey: `hazard:${h.id}:report_owner:v1` } });
    expect(card.payload).toContain(h.number);
    expect(card.payload).toContain("交办");
    expect(text.payload).toContain(h.number);
    const toCard = await stores.db.manager.find(OutboxDelivery, { where: { messageId: card.id } });
    const toText = await stores.db.manager.find(OutboxDelivery, { where: { messageId: text.id } });
    expect({ card: toCard.map((d) => d.personId), text: toText.map((d) => d.personId) }).toEqual({ card: [p("郭强").id], text: [p("潘德明").id] });
    const [line] = await stores.db.manager.find(HazardLedgerEntry, { where: { hazardId: h.id } });
    expect(line).toMatchObject({ action: "report", actorId: p("唐亮").id, toState: "reported", reason: expect.stringContaining("企业单位负责人 潘德明") });
    expect(await stores.db.manager.count(HazardPhoto, { where: { hazardId: h.id, stage: "before" } })).toBe(1);
  });

  it("routes a free-location hazard to the named unit, to the nearest enterprise's unit, or to the reporter's unit", async () => {
    const village = await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL-01" });
    const named = await hazards.report(p("韩雪"), { source: "chat_photo", place: { locationText: "石桥村桥头", unitId: village.id }, category: "危桥", level: "general", description: "桥栏杆断裂", photoKeys: [photo(3)] });
    expect({ unit: named.unitId, owner: named.ownerId, supervisor: named.supervisorId }).toEqual({ unit: village.id, owner: p("曾国平").id, supervisor: p("宋志刚").id });
    const market = e("东岭农贸市场");
    const near = await hazards.report(p("唐亮"), { source: "tip", place: { locationText: "市场后巷", latitude: (market.latitude as number) + 0.001, longitude: market.longitude }, category: "电线私拉", level: "general", description: "电线私拉乱接" });
    expect(near.unitId).toBe(market.supervisingUnitId);
    const far = await hazards.report(p("彭飞"), { source: "tip", place: { locationText: "县外", latitude: 10, longitude: 10 }, category: "其他", level: "general", description: "远处" });
    expect(far.unitId).toBe(p("彭飞").unitId);
  });

  it("falls back deterministically when nobody is named, climbing to the parent unit, and records why", async () => {
    await stores.db.manager.update(Person, { id: p("曾国平").id }, { active: false });
    await stores.db.manager.update(Person, { id: p("潘德明").id }, { active: false });
    try {
      const village = await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL-01" });
      const climbed = await hazards.report(p("唐亮"), { source: "inspection", place: { locationText: "石桥村", unitId: village.id }, category: "其他", level: "general", description: "无人" });
      expect(climbed.ownerId).toBe(p("韩雪").id);
      const orphan = await hazards.report(p("唐亮"), atEnterprise("青禾燃气有限公司"));
      expect(orphan.ownerId).toBe(p("郭强").id);
      const [line] = await stores.db.manager.find(HazardLedgerEntry, { where: { hazardId: orphan.id } });
      expect(line?.reason).toContain("（兜底）");
    } finally {
      await stores.db.manager.update(Person, { id: p("曾国平").id }, { active: true });
      await stores.db.manager.update(Person, { id: p("潘德明").id }, { active: true });
    }
  });

  it("escalates repeat findings of the same enterprise and category: advice, warning, penalty; the window resets it", async () => {
    const again = () => hazards.report(p("唐亮"), atEnterprise("杨柳家具厂", { category: "粉尘清扫不及时" }));
    expect([(await again()).enforcementStage, (await again()).enforcementStage, (await again()).enforcementStage, (await again()).enforcementStage]).toEqual(["advice", "warning", "penalty", "penalty"]);
    const message = await stores.db.manager.findOneOrFail(OutboxMessage, { where: { source: `hazard:${(await again()).id}` } });
    expect(message.payload).toContain("依法查处");
    expect((await hazards.report(p("唐亮"), atEnterprise("杨柳家具厂", { category: "其他类别" }))).enforcementStage).toBe("advice");
    const later = new ManualClock(new Date(clock.now().getTime() + 366 * DAY));
    const svc = new HazardService({ db: stores.db, outbox: new OutboxService({ db: stores.db, clock: later, quietHours: "21:00-08:00" }), clock: later, config: { repeatWindowDays: 365 }, channels: ["wecom"] });
    expect((await svc.report(p("唐亮"), atEnterprise("杨柳家具厂", { category: "粉尘清扫不及时" }))).enforcementStage).toBe("advice");
  });

  it("runs the full lifecycle with a complete, append-only ledger and the right notices", async () => {
    const h = await submittedHazard();
    const snapshot = await stores.db.manager.find(HazardLedgerEntry, { where: { hazardId: h.id }, order: { id: "ASC" } });
    expect(await stores.db.manager.findOneByOrFail(OutboxMessage, { idempotencyKey: `hazard:${h.id}:submit:v${h.version}` })).toBeTruthy();
    await expect(hazards.verify(h.id, p("潘德明"))).rejects.toMatchObject({ code: "forbidden" });
    await expect(hazards.verify(h.id, p("唐亮"), { expectedVersion: h.version - 1 })).rejects.toMatchObject({ code: "hazard_changed_concurrently", status: 409 });
    const rejected = await hazards.reject(h.id, p("唐亮"), { reason: "通道仍有杂物" });
    expect(rejected.state).toBe("rectifying");
    expect((await stores.db.manager.findOneByOrFail(OutboxMessage, { idempotencyKey: `hazard:${h.id}:reject:v${rejected.version}` })).payload).toContain("通道仍有杂物");
    await hazards.submitRectification(h.id, p("潘德明"), { note: "再次清理", photoKeys: [photo(4)] });
    await hazards.verify(h.id, p("唐亮"));
    const closed = await hazards.close(h.id, p("郭强"));
    expect(closed).toMatchObject({ state: "closed", closedAt: clock.now() });
    const ledger = await stores.db.manager.find(HazardLedgerEntry, { where: { hazardId: h.id }, order: { id: "ASC" } });
    expect(ledger.map((l) => l.action)).toEqual(["report", "assign", "start", "submit", "reject", "submit", "verify", "close"]);
    expect(ledger.slice(0, snapshot.length)).toEqual(snapshot);
    expect(JSON.parse(ledger[1]!.changes as string).after).toMatchObject({ measures: "清理通道", state: "assigned" });
    expect(ledger[4]).toMatchObject({ actorId: p("唐亮").id, fromState: "submitted", toState: "rectifying", reason: "通道仍有杂物" });
  });

  it("never lets the rectifier verify: not the owner, not whoever submitted", async () => {
    const h = await submittedHazard();
    await expect(hazards.verify(h.id, p("郭强"))).resolves.toMatchObject({ state: "verified" });
    const own = await hazards.report(p("唐亮"), atEnterprise("石桥加油站"));
    await hazards.assign(own.id, p("郭强"), { deadline: inFuture(3), ownerId: p("张伟").id });
    await hazards.startRectifying(own.id, p("张伟"));
    await hazards.submitRectification(own.id, p("张伟"), { note: "已整改", photoKeys: [photo(5)] });
    await expect(hazards.verify(own.id, p("张伟"))).rejects.toMatchObject({ code: "hazard_verifier_is_rectifier", status: 403 });
    await expect(hazards.submitRectification(own.id, p("潘德明"), { note: "x", photoKeys: [photo(6)] })).rejects.toMatchObject({ status: 409 });
  });

  it("holds 重大隐患 to their rules: 挂牌督办 at once, five points to assign, no on-the-spot fix, a leader's sign-off to close", async () => {
    const h = await hazards.report(p("唐亮"), atEnterprise("东岭化工有限责任公司", { level: "major", category: "储罐区防雷失效" }));
    expect(h.listedForSupervision).toBe(true);
    await expect(hazards.fixOnSpot(h.id, p("唐亮"), { note: "x", photoKeys: [photo(7)] })).rejects.toMatchObject({ code: "hazard_illegal_transition" });
    const incomplete = hazards.assign(h.id, p("郭强"), { deadline: inFuture(30), measures: "更换避雷设施" });
    await expect(incomplete).rejects.toMatchObject({ code: "hazard_five_points_incomplete", status: 400, details: { problems: expect.arrayContaining([{ where: "funds", message: "重大隐患须落实整改资金" }]) } });
    await hazards.assign(h.id, p("郭强"), { deadline: inFuture(30), measures: "更换避雷设施", funds: "8万元", contingencyPlan: "停用储罐区" });
    await hazards.startRectifying(h.id, p("杜海"));
    await hazards.submitRectification(h.id, p("杜海"), { note: "已更换并检测", photoKeys: [photo(8)] });
    await hazards.verify(h.id, p("郭强"));
    await expect(hazards.close(h.id, p("郭强"))).rejects.toMatchObject({ code: "hazard_illegal_transition", message: expect.stringContaining("签字") });
    await expect(hazards.signOff(h.id, p("郭强"))).rejects.toMatchObject({ status: 403 });
    await hazards.signOff(h.id, p("李明"));
    await expect(hazards.close(h.id, p("郭强"))).resolves.toMatchObject({ state: "closed", leaderSignoffBy: p("李明").id });
  });

  it("fixes a general hazard on the spot with proof, and reopens only with a reason", async () => {
    const h = await hazards.report(p("唐亮"), atEnterprise("东岭客运站", { category: "灭火器过期" }));
    await expect(hazards.fixOnSpot(h.id, p("唐亮"), { note: "已更换", photoKeys: [] })).rejects.toMatchObject({ code: "hazard_photos_missing" });
    const fixed = await hazards.fixOnSpot(h.id, p("唐亮"), { note: "已当场更换灭火器", photoKeys: [photo(9)] });
    expect(fixed.state).toBe("closed");
    expect(await stores.db.manager.count(HazardPhoto, { where: { hazardId: h.id, stage: "proof" } })).toBe(1);
    await expect(hazards.reopen(h.id, p("郭强"), { reason: "  " })).rejects.toMatchObject({ code: "hazard_reason_required" });
    await expect(hazards.reopen(h.id, p("郭强"), { reason: "复查发现灭火器压力不足" })).resolves.toMatchObject({ state: "reported", closedAt: null });
  });

  it("extends a deadline with an approver and writes an `extend` ledger line", async () => {
    const h = await hazards.report(p("唐亮"), atEnterprise("龙井峡景区"));
    await hazards.assign(h.id, p("唐亮"), { deadline: inFuture(5) });
    await expect(hazards.extendDeadline(h.id, p("唐亮"), { deadline: inFuture(10), reason: "材料未到" })).rejects.toMatchObject({ code: "hazard_extension_not_approvable" });
    await expect(hazards.extendDeadline(h.id, p("胡婷"), { deadline: inFuture(4), reason: "材料未到" })).rejects.toMatchObject({ code: "hazard_extension_not_later" });
    const moved = await hazards.extendDeadline(h.id, p("唐亮"), { deadline: inFuture(10), reason: "材料未到", approverId: p("胡婷").id });
    expect(moved.deadline).toEqual(inFuture(10));
    const last = await stores.db.manager.findOneOrFail(HazardLedgerEntry, { where: { hazardId: h.id, action: "extend" } });
    expect(last.reason).toBe("材料未到（批准人：胡婷）");
  });

  it("lets one of two concurrent verifications win; the other is refused and writes nothing", async () => {
    const h = await submittedHazard();
    const results = await Promise.allSettled([hazards.verify(h.id, p("唐亮"), { expectedVersion: h.version }), hazards.verify(h.id, p("张伟"), { expectedVersion: h.version })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "hazard_changed_concurrently" } });
    expect(await stores.db.manager.count(HazardLedgerEntry, { where: { hazardId: h.id, action: "verify" } })).toBe(1);
    const h2 = await submittedHazard();
    const race = await Promise.allSettled([hazards.verify(h2.id, p("唐亮")), hazards.reject(h2.id, p("张伟"), { reason: "未整改" })]);
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await stores.db.manager.count(HazardLedgerEntry, { where: { hazardId: h2.id, action: In(["verify", "reject"]) } })).toBeLessThanOrEqual(1);
  });
});
