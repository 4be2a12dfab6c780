import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { Enterprise, Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { InspectionService } from "../../src/domain/inspections";
import { inspectionRoutes } from "../../src/http/routes/inspections";
import { createLogger } from "../../src/log";
import { backend, openTestStores, type TestStores } from "../support/backend";

const photo = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;

describe(`inspection admin API (${backend()})`, () => {
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
  // Each check-in's own photo: a photo another inspector already used is refused.
  let shots = 100;
  const checkIn = (as: string, enterprise: string, extra: Json = {}) =>
    call(as, "POST", "/api/inspections", { enterpriseId: ent.get(enterprise)!.id, kind: "routine", result: "no_problem", photoKeys: [photo(++shots)], ...extra });
  const near = (enterprise: string, degrees: number) => ({ latitude: ent.get(enterprise)!.latitude! + degrees, longitude: ent.get(enterprise)!.longitude! });

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Enterprise)) ent.set(x.name, x);
    for (const name of ["唐亮", "潘德明", "李明", "陈静", "韩雪", "彭飞"]) {
      const person = await stores.db.manager.findOneByOrFail(Person, { name });
      tokens.set(name, (await issueApiToken(stores.db, clock, person.mobile, "测试")).token);
    }
    const inspections = new InspectionService({ db: stores.db, clock, config: { farMetres: 500 } });
    const app = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db: stores.db, kv: stores.kv, routers: [inspectionRoutes({ db: stores.db, clock, inspections })] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  it("checks in as the caller (201) and shows the record with labels, distance and photos", async () => {
    const created = await checkIn("唐亮", "东岭农贸市场", { kind: "unannounced", note: "夜间暗访", photoKeys: [photo(1), photo(2)], position: near("东岭农贸市场", 0.001) });
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({
      inspector: { name: "唐亮" },
      unit: { name: "东岭镇" },
      enterprise: { name: "东岭农贸市场" },
      kind: { code: "unannounced", label: "明察暗访" },
      result: { code: "no_problem", label: "无问题" },
      note: "夜间暗访",
      farFromSite: false,
      hazardId: null,
      photoKeys: [photo(1), photo(2)],
      checkedInAt: clock.now().toISOString(),
    });
    expect(created.json.data.distanceMetres).toBeGreaterThan(100);
    const again = await call("李明", "GET", `/api/inspections/${created.json.data.id}`);
    expect(again).toMatchObject({ status: 200, json: { data: { id: created.json.data.id, enterprise: { name: "东岭农贸市场" } } } });
  });

  it("flags a far check-in and filters the list by it, by inspector, enterprise and dates, with paging", async () => {
    const far = (await checkIn("彭飞", "南川商贸城", { kind: "enforcement", position: near("南川商贸城", 0.01) })).json.data;
    expect(far).toMatchObject({ farFromSite: true, kind: { label: "执法检查" } });
    await checkIn("彭飞", "南川商贸城");
    const flagged = await call("李明", "GET", "/api/inspections?farFromSite=true");
    expect(flagged.json.data.map((i: Json) => i.id)).toEqual([far.id]);
    const mine = await call("李明", "GET", `/api/inspections?inspectorId=${far.inspector.id}&enterpriseId=${far.enterprise.id}&from=2026-11-26&to=2026-11-26`);
    expect(mine.json.paging).toMatchObject({ total: 2, page: 1 });
    const paged = await call("李明", "GET", "/api/inspections?pageSize=1&page=2");
    expect(paged.json).toMatchObject({ paging: { page: 2, pageSize: 1 }, data: [expect.any(Object)] });
    expect((await call("李明", "GET", "/api/inspections?to=2026-11-25")).json.data).toEqual([]);
  });

  it("refuses callers without a token (401), enterprise owners (403) and office-only roles checking in (403)", async () => {
    expect((await call(null, "GET", "/api/inspections")).status).toBe(401);
    expect(await checkIn("潘德明", "东岭农贸市场")).toMatchObject({ status: 403, json: { code: "forbidden", message: expect.stringContaining("网格员") } });
    expect((await call("潘德明", "GET", "/api/inspections")).status).toBe(403);
    expect((await checkIn("陈静", "东岭农贸市场")).status).toBe(403);
    // The administrator may read the records.
    expect((await call("陈静", "GET", "/api/inspections")).status).toBe(200);
  });

  it("answers bad input with 400 and Chinese field problems, an unknown enterprise or record with 404", async () => {
    const bad = await call("唐亮", "POST", "/api/inspections", { enterpriseId: "x", kind: "party", result: "ok", position: { latitude: 91, longitude: 0 } });
    expect(bad).toMatchObject({ status: 400, json: { code: "invalid_input" } });
    expect(bad.json.details.problems.map((p: Json) => p.where)).toEqual(expect.arrayContaining(["enterpriseId", "kind", "result", "position.latitude"]));
    for (const p of bad.json.details.problems) expect(p.message).toMatch(/[\u4e00-\u9fff]/);
    expect(await checkIn("唐亮", "东岭农贸市场", { photoKeys: [] })).toMatchObject({ status: 400, json: { code: "inspection_photos_missing", message: expect.stringContaining("照片") } });
    expect(await checkIn("唐亮", "龙井茶叶加工厂")).toMatchObject({ status: 400, json: { code: "enterprise_inactive" } });
    expect((await call("唐亮", "POST", "/api/inspections", { enterpriseId: 999999, kind: "routine", result: "hazard_found" })).json).toMatchObject({ code: "enterprise_not_found" });
    expect((await call("李明", "GET", "/api/inspections?kind=nonsense")).status).toBe(400);
    expect((await call("李明", "GET", "/api/inspections/abc")).status).toBe(400);
    expect(await call("李明", "GET", "/api/inspections/999999")).toMatchObject({ status: 404, json: { code: "inspection_not_found" } });
  });
});
