import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { QuotaService } from "../../src/domain/quotas";
import { quotaRoutes } from "../../src/http/routes/quotas";
import { createLogger } from "../../src/log";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { type DigestCounty, openDigestCounty } from "../support/digestCounty";

type Json = { data?: { people?: { name: string; required: number; done: number; missing: number; items: { window: string; done: number }[] }[] } & Record<string, unknown>; message?: string };

describe(`日周月 quotas and 分级监管 frequency (${backend()})`, () => {
  let stores: TestStores;
  let county: DigestCounty;
  let server: Server;
  let base: string;
  let token: string;

  async function get(path: string): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, json: (await res.json()) as Json };
  }
  const personIn = async (unit: string, period: string, name: string) => {
    const res = await get(`/api/quotas?unit=${unit}&period=${period}`);
    expect(res.status).toBe(200);
    return res.json.data?.people?.find((p) => p.name === name);
  };

  beforeAll(async () => {
    stores = await openTestStores();
    county = await openDigestCounty(stores.db);
    county.clock.set("2026-03-20T00:00:00Z");
    const { db } = stores;
    const clock = county.clock;
    token = (await issueApiToken(db, clock, (await county.person("陈静")).mobile, "测试")).token;
    const app = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db, kv: stores.kv, routers: [quotaRoutes({ db, clock, quotas: new QuotaService({ db, clock }) })] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  it("counts a 监管人员's weekly enforcement check in the Shanghai week it fell in, once per week, across the month boundary", async () => {
    await county.inspection("唐亮", "石桥加油站", "2026-03-01T15:30:00Z"); // Sunday 03-01 23:30: week of 02-23, February
    await county.inspection("唐亮", "石桥加油站", "2026-03-01T16:30:00Z"); // Monday 03-02 00:30: first week of March
    await county.inspection("唐亮", "东岭农贸市场", "2026-03-03T02:00:00Z"); // same week: no extra credit
    await county.inspection("唐亮", "东岭农贸市场", "2026-03-10T02:00:00Z", "routine"); // not an enforcement check

    expect(await personIn("QH-DL", "2026-03", "唐亮")).toMatchObject({ required: 5, done: 1, missing: 4 });
    const feb = await personIn("QH-DL", "2026-02", "唐亮");
    expect(feb).toMatchObject({ required: 4, done: 1, missing: 3 });
    expect(feb?.items.map((i) => i.done)).toEqual([0, 0, 0, 1]);
    expect(await personIn("QH-DL", "2026-W10", "唐亮")).toMatchObject({ required: 1, done: 1, missing: 0 });
    expect(await personIn("QH-DL", "2026-W11", "唐亮")).toMatchObject({ required: 1, done: 0, missing: 1 });
  });

  it("counts a 行政负责人's own enterprises, each once, within the Shanghai month", async () => {
    await county.inspection("宋志刚", "石桥加油站", "2026-03-05T02:00:00Z", "supervision");
    await county.inspection("宋志刚", "石桥加油站", "2026-03-06T02:00:00Z", "supervision");
    await county.inspection("宋志刚", "东岭化工有限责任公司", "2026-03-06T03:00:00Z", "supervision"); // the bureau's, not his
    await county.inspection("宋志刚", "东岭农贸市场", "2026-02-28T15:59:00Z", "supervision"); // 02-28 23:59: February
    expect(await personIn("QH-DL", "2026-03", "宋志刚")).toMatchObject({ required: 2, done: 1, missing: 1 });
    await county.inspection("宋志刚", "东岭农贸市场", "2026-02-28T16:00:00Z", "supervision"); // 03-01 00:00: March
    expect(await personIn("QH-DL", "2026-03", "宋志刚")).toMatchObject({ required: 2, done: 2, missing: 0 });
    // A town's report lists its own people only.
    const town = await get("/api/quotas?unit=QH-DL&period=2026-03");
    expect(town.json.data?.people?.map((p) => p.name)).toEqual(["宋志刚", "唐亮"]);
  });

  it("lists enterprises overdue for their colour: 橙 every two months, never-inspected ones from their registration", async () => {
    const res = await get("/api/quotas/overdue-enterprises?unit=QH-DL");
    expect(res.status).toBe(200);
    // Registered 01-01 08:00; 橙 due 03-01 08:00; 19 days later. 石桥加油站 was inspected in March; 黄 and 蓝 are not yet due.
    expect(res.json.data).toEqual([
      expect.objectContaining({ name: "青禾燃气有限公司东岭供气站", risk: "橙", daysOverdue: 19, lastInspectedAt: null }),
      expect.objectContaining({ name: "青禾建工集团东岭安置房项目", risk: "橙", daysOverdue: 19 }),
      expect.objectContaining({ name: "青石社区养老服务中心", risk: "橙", daysOverdue: 19 }),
    ]);
  });

  it("lets an administrator, and no one else, change a role's rule and a colour's frequency, and progress follows", async () => {
    const put = async (who: string, path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, { method: "PUT", headers: { authorization: `Bearer ${who}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as { data?: unknown; message?: string } };
    };
    const inspector = (await issueApiToken(stores.db, county.clock, (await county.person("唐亮")).mobile, "测试")).token;
    expect((await put(inspector, "/api/quotas/rules/grid_member", { period: "week", required: 2 })).status).toBe(403);
    expect((await put(token, "/api/quotas/rules/网格员", { period: "week", required: 2 })).status).toBe(200);
    // 韩雪 and 冯磊 (网格员 of 东岭镇) now owe two checks in each of March's five weeks.
    expect(await personIn("QH-DL", "2026-03", "韩雪")).toMatchObject({ required: 10, done: 0, missing: 10 });
    expect((await put(token, "/api/quotas/rules/grid_member", { period: "week", required: 0 })).status).toBe(200);
    expect(await personIn("QH-DL", "2026-03", "韩雪")).toBeUndefined();
    expect((await put(token, "/api/quotas/rules/nobody", { period: "week", required: 1 })).status).toBe(400);

    expect((await put(token, "/api/quotas/frequencies/橙", { months: 3 })).json.data).toEqual({ red: 1, orange: 3, yellow: 3, blue: 6 });
    expect((await get("/api/quotas/overdue-enterprises?unit=QH-DL")).json.data).toEqual([]);
    const bad = await put(token, "/api/quotas/frequencies/orange", { months: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("月数应在 1–24 之间");
  });

  it("asks a 行政负责人 to check every one of their own enterprises each half-year, judged in June and as 2026-H1, split at Shanghai midnight", async () => {
    await county.inspection("宋志刚", "龙井峡景区", "2026-06-30T15:59:00Z", "supervision"); // 06-30 23:59: the first half
    await county.inspection("宋志刚", "东岭客运站", "2026-06-30T16:00:00Z", "supervision"); // 07-01 00:00: the second
    await county.inspection("宋志刚", "青石社区养老服务中心", "2025-12-31T15:59:00Z", "supervision"); // 2025-12-31 23:59: last year
    // His own active enterprises in 东岭镇: 8 (龙井茶叶加工厂 has closed down and is not asked for).
    const halfRule = "行政负责人：每半年检查本人负责的每一家企业";
    const h1 = await personIn("QH-DL", "2026-H1", "宋志刚");
    expect(h1?.items.find((i) => i.window === "2026-H1")).toEqual({ rule: halfRule, window: "2026-H1", required: 8, done: 3 });
    // Six months of two each (done: February 1, March 2, June 1) and the half-year's 8 (done 3).
    expect(h1).toMatchObject({ required: 20, done: 7, missing: 13 });
    expect(await personIn("QH-DL", "2026-06", "宋志刚")).toMatchObject({ required: 10, done: 4, missing: 6 });
    const may = await personIn("QH-DL", "2026-05", "宋志刚");
    expect(may?.items.map((i) => i.window)).toEqual(["2026-05"]);
    expect((await personIn("QH-DL", "2026-H2", "宋志刚"))?.items.find((i) => i.window === "2026-H2")).toMatchObject({ required: 8, done: 1 });
    expect((await personIn("QH-DL", "2025-12", "宋志刚"))?.items.find((i) => i.window === "2025-H2")).toMatchObject({ required: 8, done: 1 });

    // A role holds one rule per period: removing the half-year rule leaves the monthly one.
    const res = await fetch(`${base}/api/quotas/rules/admin_owner`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ period: "half_year", required: 0 }) });
    expect(res.status).toBe(200);
    const rules = ((await res.json()) as { data: { role: string; period: string }[] }).data;
    expect(rules.filter((r) => r.role === "admin_owner").map((r) => r.period)).toEqual(["month"]);
    expect(await personIn("QH-DL", "2026-06", "宋志刚")).toMatchObject({ required: 2, done: 1 });
  });

  it("refuses an unknown period or unit in Chinese", async () => {
    const bad = await get("/api/quotas?unit=QH-DL&period=2026-13");
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain("周期应为 YYYY-MM");
    expect((await get("/api/quotas?unit=NOPE&period=2026-03")).status).toBe(404);
  });
});
