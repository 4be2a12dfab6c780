import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { Enterprise, OrgUnit, Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { HazardService } from "../../src/domain/hazards";
import { OutboxService } from "../../src/domain/outbox";
import { hazardRoutes } from "../../src/http/routes/hazards";
import { createLogger } from "../../src/log";
import { backend, openTestStores, type TestStores } from "../support/backend";

const DAY = 24 * 60 * 60 * 1000;
const photo = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;

describe(`hazard admin API (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let server: Server;
  let base: string;
  const tokens = new Map<string, string>();
  const ent = new Map<string, Enterprise>();

  type Json = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  async function call(as: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (as) headers.authorization = `Bearer ${tokens.get(as)}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Json };
  }
  const report = (as: string, enterprise: string, extra: Json = {}) =>
    call(as, "POST", "/api/hazards", { source: "inspection", enterpriseId: ent.get(enterprise)!.id, category: "消防通道堵塞", level: "general", description: "通道堆物", photoKeys: [photo(1)], ...extra });
  const deadline = (days: number) => new Date(clock.now().getTime() + days * DAY).toISOString();

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Enterprise)) ent.set(x.name, x);
    for (const name of ["唐亮", "潘德明", "李明", "郭强", "陈静", "韩雪", "彭飞", "杜海"]) {
      const person = await stores.db.manager.findOneByOrFail(Person, { name });
      tokens.set(name, (await issueApiToken(stores.db, clock, person.mobile, "测试")).token);
    }
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    const hazards = new HazardService({ db: stores.db, outbox, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] });
    const app = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db: stores.db, kv: stores.kv, routers: [hazardRoutes({ db: stores.db, clock, hazards })] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  it("reports a hazard (201) and shows its detail with timeline and photos through the whole lifecycle", async () => {
    const created = await report("唐亮", "青禾燃气有限公司");
    expect(created.status).toBe(201);
    const h = created.json.data;
    expect(h).toMatchObject({ number: expect.stringMatching(/^YH-2026-\d{6}$/), state: { code: "reported", label: "已上报" }, owner: { name: "潘德明" }, supervisor: { name: "郭强" }, enforcementStage: { label: "服务提醒" } });
    expect((await call("郭强", "POST", `/api/hazards/${h.id}/assign`, { deadline: deadline(7), measures: "清理", version: h.version })).status).toBe(200);
    expect((await call("潘德明", "POST", `/api/hazards/${h.id}/start`)).status).toBe(200);
    expect((await call("潘德明", "POST", `/api/hazards/${h.id}/submit`, { note: "已清理", photoKeys: [photo(2)] })).status).toBe(200);
    expect((await call("唐亮", "POST", `/api/hazards/${h.id}/verify`, {})).status).toBe(200);
    const closed = await call("郭强", "POST", `/api/hazards/${h.id}/close`);
    expect(closed.json.data.state.code).toBe("closed");
    const detail = (await call("陈静", "GET", `/api/hazards/${h.id}`)).json.data;
    expect(detail.timeline.map((l: Json) => l.actionLabel)).toEqual(["上报", "交办", "开始整改", "提交整改反馈", "复查通过", "销号"]);
    expect(detail.timeline[1]).toMatchObject({ actor: { name: "郭强" }, fromState: { code: "reported" }, toState: { code: "assigned" } });
    expect(detail.photos.before.map((p: Json) => p.storageKey)).toEqual([photo(1)]);
    expect(detail.photos.after.map((p: Json) => p.storageKey)).toEqual([photo(2)]);
  });

  it("hands a new hazard to another unit (转交): the unit's supervisor takes over and the timeline says why", async () => {
    const h = (await report("唐亮", "青禾燃气有限公司")).json.data;
    const gmk = await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-GMK" });
    expect((await call("潘德明", "POST", `/api/hazards/${h.id}/transfer`, { unitId: gmk.id, reason: "属工贸企业" })).status).toBe(403);
    expect(await call("郭强", "POST", `/api/hazards/${h.id}/transfer`, { unitId: h.unit?.id ?? gmk.id })).toMatchObject({ status: 400 });
    const moved = await call("郭强", "POST", `/api/hazards/${h.id}/transfer`, { unitId: gmk.id, reason: "属工贸企业", version: h.version });
    expect(moved.status).toBe(200);
    expect(moved.json.data).toMatchObject({ state: { code: "reported" }, supervisor: { name: expect.any(String) } });
    expect(moved.json.data.supervisor.name).not.toBe("郭强");
    const line = moved.json.data.timeline.at(-1);
    expect(line).toMatchObject({ actionLabel: "转交", actor: { name: "郭强" } });
    expect(line.reason).toContain("转交至工贸行业安全监督管理科");
    expect(line.reason).toContain("属工贸企业");
  });

  it("shows an enterprise's own responsible person only their enterprise's hazards", async () => {
    const owner = await stores.db.manager.findOneByOrFail(Person, { name: "潘德明" });
    const own = ent.get("青禾燃气有限公司")!;
    const other = [...ent.values()].find((e) => e.enterpriseOwnerId !== owner.id) as Enterprise;
    const mine = (await report("唐亮", own.name)).json.data;
    const theirs = (await report("唐亮", other.name)).json.data;
    const listed = (await call("潘德明", "GET", "/api/hazards?pageSize=100")).json;
    expect(listed.data.length).toBeGreaterThan(0);
    expect(listed.data.every((h: Json) => h.enterprise?.id === own.id)).toBe(true);
    expect((await call("潘德明", "GET", `/api/hazards/${mine.id}`)).status).toBe(200);
    const hidden = await call("潘德明", "GET", `/api/hazards/${theirs.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.json).toMatchObject({ code: "hazard_not_found" });
    // Supervising staff see both.
    expect((await call("郭强", "GET", `/api/hazards/${theirs.id}`)).status).toBe(200);
  });

  it("refuses callers without a token (401) or without the role (403)", async () => {
    expect((await call(null, "GET", "/api/hazards")).status).toBe(401);
    const h = (await report("唐亮", "东岭农贸市场")).json.data;
    const grid = await call("韩雪", "POST", `/api/hazards/${h.id}/assign`, { deadline: deadline(3) });
    expect(grid).toMatchObject({ status: 403, json: { code: "forbidden", message: expect.stringContaining("监管人员") } });
    expect((await call("郭强", "POST", `/api/hazards/${h.id}/signoff`)).status).toBe(403);
    expect((await call("潘德明", "POST", `/api/hazards/${h.id}/verify`)).status).toBe(403);
    expect(await report("潘德明", "青禾燃气有限公司")).toMatchObject({ status: 403, json: { code: "hazard_self_check_only" } });
    expect((await report("潘德明", "青禾燃气有限公司", { source: "self_check" })).status).toBe(201);
  });

  it("answers bad input with 400 and Chinese field problems", async () => {
    const bad = await call("唐亮", "POST", "/api/hazards", { source: "rumour", level: "huge", enterpriseId: "x" });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe("invalid_input");
    const where = bad.json.details.problems.map((p: Json) => p.where);
    expect(where).toEqual(expect.arrayContaining(["source", "level", "enterpriseId", "category", "description"]));
    for (const p of bad.json.details.problems) expect(p.message).toMatch(/[\u4e00-\u9fff]/);
    const h = (await report("唐亮", "东岭农贸市场")).json.data;
    const noDeadline = await call("郭强", "POST", `/api/hazards/${h.id}/assign`, { deadline: "明天" });
    expect(noDeadline).toMatchObject({ status: 400, json: { details: { problems: [{ where: "deadline", message: expect.stringContaining("整改时限") }] } } });
    expect((await call("郭强", "POST", `/api/hazards/${h.id}/reject`, {})).status).toBe(400);
    expect((await call("陈静", "GET", "/api/hazards?state=nonsense")).status).toBe(400);
    expect((await call("陈静", "GET", "/api/hazards/abc")).status).toBe(400);
  });

  it("answers an unknown hazard with 404 and an illegal transition with 409", async () => {
    expect(await call("陈静", "GET", "/api/hazards/999999")).toMatchObject({ status: 404, json: { code: "hazard_not_found" } });
    expect((await call("郭强", "POST", "/api/hazards/999999/assign", { deadline: deadline(3) })).status).toBe(404);
    const h = (await report("唐亮", "东岭农贸市场")).json.data;
    expect(await call("郭强", "POST", `/api/hazards/${h.id}/close`)).toMatchObject({ status: 409, json: { code: "hazard_illegal_transition", message: expect.stringContaining("已上报") } });
    expect(await call("郭强", "POST", `/api/hazards/${h.id}/assign`, { deadline: deadline(3), version: h.version + 5 })).toMatchObject({ status: 409, json: { code: "hazard_changed_concurrently" } });
  });

  it("filters by unit subtree, enterprise, level, state, overdue and date range, with paging", async () => {
    const nc = await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-NC" });
    const dl = await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL" });
    const village = await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-NC-02" });
    const inVillage = (await call("彭飞", "POST", "/api/hazards", { source: "tip", place: { locationText: "桃园村口", unitId: village.id }, category: "其他", level: "major", description: "山体裂缝" })).json.data;
    const market = (await report("唐亮", "南川商贸城")).json.data;
    await call("彭飞", "POST", `/api/hazards/${market.id}/assign`, { deadline: deadline(2) });
    const underNc = (await call("陈静", "GET", `/api/hazards?unitId=${nc.id}&pageSize=100`)).json;
    expect(underNc.data.map((h: Json) => h.id)).toEqual(expect.arrayContaining([inVillage.id, market.id]));
    expect((await call("陈静", "GET", `/api/hazards?unitId=${dl.id}&pageSize=100`)).json.data.map((h: Json) => h.id)).not.toContain(inVillage.id);
    expect((await call("陈静", "GET", `/api/hazards?enterpriseId=${ent.get("南川商贸城")!.id}`)).json.data.map((h: Json) => h.id)).toEqual([market.id]);
    expect((await call("陈静", "GET", `/api/hazards?level=major&unitId=${nc.id}`)).json.data.map((h: Json) => h.id)).toEqual([inVillage.id]);
    expect((await call("陈静", "GET", `/api/hazards?state=assigned&unitId=${nc.id}`)).json.data.map((h: Json) => h.id)).toEqual([market.id]);
    expect((await call("陈静", "GET", "/api/hazards?overdue=true")).json.data).toEqual([]);
    clock.advance(3 * DAY);
    const overdue = (await call("陈静", "GET", "/api/hazards?overdue=true")).json.data;
    expect(overdue.map((h: Json) => h.id)).toEqual([market.id]);
    expect(overdue[0].overdue).toBe(true);
    expect((await call("陈静", "GET", "/api/hazards?from=2026-11-27")).json.data).toEqual([]);
    expect((await call("陈静", "GET", "/api/hazards?from=2026-11-26&to=2026-11-26&pageSize=2&page=2")).json).toMatchObject({ paging: { page: 2, pageSize: 2, total: expect.any(Number) } });
    const all = (await call("陈静", "GET", "/api/hazards?to=2026-11-26&pageSize=100")).json;
    expect(all.paging.total).toBe(all.data.length);
    expect(all.data.length).toBeGreaterThanOrEqual(5);
  });
});
