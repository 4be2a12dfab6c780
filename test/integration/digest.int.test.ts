import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { dingtalkMarkdown } from "../../src/channels/dingtalk/markdown";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { bytesOf, composeDigest, DigestService, type DutySource, MARKDOWN_LIMIT_BYTES } from "../../src/domain/digest";
import { OutboxService } from "../../src/domain/outbox";
import { QuotaService } from "../../src/domain/quotas";
import { digestRoutes } from "../../src/http/routes/digests";
import { createLogger } from "../../src/log";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { type DigestCounty, prepareCounty } from "../support/digestCounty";

/** What 周建国 (主要负责人, the whole county) reads on Tuesday 2026-03-03 at 08:00. */
const CHIEF_DIGEST = `**每日简报｜青禾县应急管理局｜2026-03-03（周二）**
**一、需立即处理**
<font color="warning">逾期重大隐患/挂牌督办 1 项</font>
- YH-2026-000001 东岭化工有限责任公司（重大） 逾期 11 天
<font color="warning">叫应未回复</font>：暴雨红色预警叫应，1 人未应答
**二、昨日数据（03-02）**
隐患：新增 2 项（重大 1、一般 1），销号 1 项，当前逾期 3 项
逾期最久 3 项：
- YH-2026-000001 东岭化工有限责任公司（重大） 逾期 11 天
- YH-2026-000002 石桥加油站 逾期 4 天
- YH-2026-000003 南川商贸城 逾期 2 天
巡查：昨日 2 次；2026-03 月任务应完成 75 次，已完成 1 次，尚缺 74 次，未达标 19 人
分级监管：超期未检企业 17 家
（青禾燃气有限公司、东岭化工有限责任公司、南川液化气供应站、西河化工园区管理有限公司、新桥危险品运输有限公司等）
举报：昨日收到 1 件，逾期未办结 1 件
叫应：昨日 1 次，叫应率 67%（2/3）
- 暴雨红色预警叫应：67%（2/3）
**三、今日值班**
值班功能未启用，暂无带班领导和值班签到数据。
**四、单位排名**
（逾期隐患少者在前，其次近 7 日巡查多者在前）
1. 西河街道：逾期 0，巡查 0
2. 东岭镇：逾期 1，巡查 2
3. 南川镇：逾期 1，巡查 1
<font color="warning">末位：南川镇</font>`;

describe(`daily digest content (${backend()})`, () => {
  let stores: TestStores;
  let county: DigestCounty;
  let digests: DigestService;
  let server: Server;
  let base: string;
  const tokens = new Map<string, string>();

  async function get(as: string, path: string): Promise<{ status: number; json: { data?: Record<string, unknown>; error?: unknown } }> {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${tokens.get(as)}` } });
    return { status: res.status, json: (await res.json()) as { data?: Record<string, unknown> } };
  }

  beforeAll(async () => {
    stores = await openTestStores();
    county = await prepareCounty(stores.db);
    county.clock.set("2026-03-03T00:00:00Z");
    const { db } = stores;
    const clock = county.clock;
    digests = new DigestService({ db, clock, outbox: new OutboxService({ db, clock, quietHours: "21:00-08:00" }), quotas: new QuotaService({ db, clock }), channels: ["wecom"], config: { hour: 8, recipients: [] } });
    for (const name of ["周建国", "宋志刚", "陈静"]) tokens.set(name, (await issueApiToken(db, clock, (await county.person(name)).mobile, "测试")).token);
    const app = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db, kv: stores.kv, routers: [digestRoutes({ db, clock, digests })] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  it("gives the county's chief red items first, yesterday in numbers, the duty section and the ranking with 末位, exactly", async () => {
    const chief = await county.person("周建国");
    const p = await digests.preview(chief.id, "2026-03-03");
    expect(p.markdown).toBe(CHIEF_DIGEST);
    expect(p.bytes).toBe(bytesOf(CHIEF_DIGEST));
    expect(p.figures.hazards).toMatchObject({ newGeneral: 1, newMajor: 1, closed: 1, overdue: 3 });
    expect(p.figures.inspections.quota).toEqual({ period: "2026-03", required: 75, done: 1, missing: 74, behind: 19 });
  });

  it("scopes a town leader's digest to the town: nothing of the hazchem office or another town", async () => {
    const leader = await county.person("宋志刚");
    const p = await digests.preview(leader.id, "2026-03-03");
    const lines = p.markdown.split("\n");
    expect(lines[0]).toBe("**每日简报｜东岭镇｜2026-03-03（周二）**");
    expect(lines[2]).toBe("无逾期重大隐患、挂牌督办隐患和未回复的叫应。");
    expect(lines).toContain("隐患：新增 0 项（重大 0、一般 0），销号 1 项，当前逾期 1 项");
    expect(lines).toContain("- YH-2026-000002 石桥加油站 逾期 4 天");
    expect(lines).toContain("举报：昨日收到 0 件，逾期未办结 0 件");
    expect(lines).toContain("叫应：昨日 1 次，叫应率 100%（1/1）");
    expect(p.markdown).not.toContain("东岭化工");
    expect(p.markdown).not.toContain("末位");
  });

  it("previews over the API for the person themself and an administrator, and refuses anyone else", async () => {
    const chief = await county.person("周建国");
    const own = await get("周建国", `/api/digests/preview?person=${chief.id}&date=2026-03-03`);
    expect(own.status).toBe(200);
    expect(own.json.data).toMatchObject({ personId: chief.id, date: "2026-03-03", markdown: CHIEF_DIGEST, figures: { red: { hazardCount: 1 } } });
    expect((await get("陈静", `/api/digests/preview?person=${chief.id}&date=2026-03-03`)).json.data).toMatchObject({ markdown: CHIEF_DIGEST });
    const other = await get("宋志刚", `/api/digests/preview?person=${chief.id}&date=2026-03-03`);
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.json)).toContain("只能查看或设置本人的每日简报");
    expect((await get("周建国", "/api/digests/preview?date=2026-3-3")).status).toBe(400);
  });

  it("lets a leader switch the digest off or move its hour, and an administrator do it for them, and no one else", async () => {
    const put = async (as: string, body: unknown) => {
      const res = await fetch(`${base}/api/digests/settings`, { method: "PUT", headers: { authorization: `Bearer ${tokens.get(as)}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as { data?: unknown; message?: string } };
    };
    const leader = await county.person("宋志刚");
    expect((await get("宋志刚", "/api/digests/settings")).json.data).toEqual({ personId: leader.id, enabled: true, hour: null });
    expect((await put("宋志刚", { hour: 7 })).json.data).toEqual({ personId: leader.id, enabled: true, hour: 7 });
    expect((await put("陈静", { person: leader.id, enabled: false })).json.data).toEqual({ personId: leader.id, enabled: false, hour: 7 });
    expect((await put("周建国", { person: leader.id, enabled: true })).status).toBe(403);
    const bad = await put("宋志刚", { hour: 24 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("接收时间应在 0–23 之间");
    expect((await put("宋志刚", { enabled: true, hour: null })).json.data).toEqual({ personId: leader.id, enabled: true, hour: null });
  });

  it("keeps within WeChat Work's 2,048 bytes by leaving out whole detail lines and saying how many", async () => {
    for (let i = 0; i < 60; i++) {
      await county.hazard({ enterprise: "西河化工园区管理有限公司", level: "major", state: "rectifying", reportedAt: "2026-02-01T02:00:00Z", deadline: `2026-02-${String(5 + (i % 20)).padStart(2, "0")}T00:00:00Z` });
    }
    const chief = await county.person("周建国");
    const p = await digests.preview(chief.id, "2026-03-03");
    expect(p.bytes).toBeLessThanOrEqual(MARKDOWN_LIMIT_BYTES);
    expect(Buffer.byteLength(p.markdown, "utf8")).toBe(p.bytes);
    // Without a limit: every line, and a footer for the 11 red hazards beyond the listed 50.
    const full = composeDigest(p.figures, { limitBytes: 1_000_000 }).split("\n");
    expect(full.pop()).toBe("另有 11 项未列出，详见安哨后台。");
    const kept = p.markdown.split("\n");
    const footer = kept[kept.length - 1] as string;
    const left = Number(/^另有 (\d+) 项未列出，详见安哨后台。$/.exec(footer)?.[1]);
    expect(left).toBeGreaterThan(0);
    // Every line sent is a whole line of the full digest, in order, and nothing else is missing.
    expect(kept.slice(0, -1).every((l) => full.includes(l))).toBe(true);
    expect(kept.length - 1 + left).toBe(full.length + 11);
    // The hazards sit under the hazchem office, not a town: the ranking is unchanged.
    // The summaries stay: the red count, the numbers, the duty section and 末位.
    expect(kept).toContain('<font color="warning">逾期重大隐患/挂牌督办 61 项</font>');
    expect(kept).toContain("隐患：新增 2 项（重大 1、一般 1），销号 1 项，当前逾期 63 项");
    expect(kept).toContain("值班功能未启用，暂无带班领导和值班签到数据。");
    expect(kept).toContain('<font color="warning">末位：南川镇</font>');
    // The red items come first among what is kept: the most overdue are listed.
    expect(kept[3]).toMatch(/^- YH-2026-\d{6} 西河化工园区管理有限公司（重大） 逾期 26 天$/);

    // With DingTalk on, the text still fits once DingTalk's line breaks are written, and loses only more detail lines.
    const dingtalk = composeDigest(p.figures, { lineBreakBytes: 2 });
    expect(Buffer.byteLength(dingtalkMarkdown(dingtalk), "utf8")).toBeLessThanOrEqual(MARKDOWN_LIMIT_BYTES);
    // (Without that room the WeChat Work text would be too long for DingTalk.)
    expect(Buffer.byteLength(dingtalkMarkdown(p.markdown), "utf8")).toBeGreaterThan(MARKDOWN_LIMIT_BYTES);
    expect(dingtalk.split("\n").every((l) => full.includes(l) || /^另有 \d+ 项未列出/.test(l))).toBe(true);

    // With the dashboard link, it still closes the text, after the footer, within the limit.
    const linked = composeDigest(p.figures, { dashboardUrl: "https://anshao.example.gov.cn/admin/" }).split("\n");
    expect(Buffer.byteLength(linked.join("\n"), "utf8")).toBeLessThanOrEqual(MARKDOWN_LIMIT_BYTES);
    expect(linked.slice(-2)).toEqual([expect.stringMatching(/^另有 \d+ 项未列出，详见安哨后台。$/), "[打开安哨后台查看详情](https://anshao.example.gov.cn/admin/)"]);
  });

  it("fills the duty section and the red items from the duty feature when it is on, and links to the dashboard", async () => {
    const asked: unknown[] = [];
    const duty: DutySource = {
      async today(scope, day, asOf) {
        asked.push({ scope, day, asOf: asOf.toISOString() });
        return {
          leaders: [
            { name: "宋志刚", unit: "东岭镇", hours: "08:00–次日 08:00" },
            { name: "周建国", unit: "青禾县应急管理局", hours: "08:00–18:00" },
          ],
          missedCheckIns: [{ name: "唐亮", unit: "东岭镇", hours: "03-02 20:00–次日 08:00" }],
        };
      },
    };
    const { db } = stores;
    const clock = county.clock;
    const withDuty = new DigestService({ db, clock, outbox: new OutboxService({ db, clock, quietHours: "21:00-08:00" }), quotas: new QuotaService({ db, clock }), channels: ["wecom"], config: { hour: 8, recipients: [], dashboardUrl: "https://anshao.example.gov.cn/admin/" }, duty });
    const leader = await county.person("宋志刚");
    const p = await withDuty.preview(leader.id, "2026-03-03");
    const town = await county.unit("QH-DL");
    expect(asked).toEqual([{ scope: { unitId: town.id, unitPath: town.path }, day: "2026-03-03", asOf: "2026-03-03T00:00:00.000Z" }]);
    const lines = p.markdown.split("\n");
    expect(lines.slice(1, 4)).toEqual(["**一、需立即处理**", '<font color="warning">值班未签到 1 人次</font>', "- 唐亮（东岭镇，03-02 20:00–次日 08:00）"]);
    const duties = lines.indexOf("**三、今日值班**");
    expect(lines.slice(duties, duties + 4)).toEqual(["**三、今日值班**", "带班领导 2 人：", "- 宋志刚（东岭镇，08:00–次日 08:00）", "- 周建国（青禾县应急管理局，08:00–18:00）"]);
    expect(lines[lines.length - 1]).toBe("[打开安哨后台查看详情](https://anshao.example.gov.cn/admin/)");
    expect(p.figures.duty?.missedCheckIns).toHaveLength(1);
    expect(p.markdown).not.toContain("值班功能未启用");
  });

  it("names the five most overdue across towns and both open states, the earlier registered first on the same deadline", async () => {
    // Overdue longer than anything above, in three towns and both open states; five share one deadline.
    const at = (enterprise: string, state: "assigned" | "rectifying", deadline: string) => county.hazard({ enterprise, level: "general", state, reportedAt: "2026-01-02T02:00:00Z", deadline });
    const oldest = await at("南川商贸城", "rectifying", "2026-01-09T00:00:00Z");
    const tied = [];
    for (const [enterprise, state] of [["石桥加油站", "assigned"], ["滨江欢唱KTV", "rectifying"], ["南川商贸城", "assigned"], ["石桥加油站", "rectifying"], ["滨江欢唱KTV", "assigned"]] as const) tied.push(await at(enterprise, state, "2026-01-10T00:00:00Z"));
    const chief = await digests.preview((await county.person("周建国")).id, "2026-03-03");
    expect(chief.figures.hazards.worst.map((h) => [h.number, h.daysOverdue])).toEqual([[oldest.number, 53], ...tied.slice(0, 4).map((h) => [h.number, 52])]);
    // The town's own list: its two, then its earlier ones.
    const town = await digests.preview((await county.person("宋志刚")).id, "2026-03-03");
    expect(town.figures.hazards.worst.map((h) => h.number)).toEqual([tied[0]?.number, tied[3]?.number, "YH-2026-000002"]);
  });
});
