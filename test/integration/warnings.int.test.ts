import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createApp } from "../../src/app";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { WarningService } from "../../src/domain/warnings";
import { calloutRoutes } from "../../src/http/routes/callouts";
import { warningRoutes } from "../../src/http/routes/warnings";
import { createLogger } from "../../src/log";
import { backend } from "../support/backend";
import { type CalloutHarness, openCalloutHarness } from "../support/calloutHarness";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/cap", name), "utf8");

interface Reply {
  status: number;
  body: { data?: Record<string, unknown>; code?: string; message?: string; details?: { unknownAreas?: string[] } };
}

describe(`POST /api/warnings (${backend()})`, () => {
  let h: CalloutHarness;
  let server: Server;
  let base: string;
  let officer: string;
  let inspector: string;

  beforeAll(async () => {
    h = await openCalloutHarness();
    const { db, kv, config } = h.stores;
    const warnings = new WarningService({ db, callouts: h.callouts });
    const routers = [warningRoutes({ db, clock: h.clock, warnings }), calloutRoutes({ db, clock: h.clock, callouts: h.callouts })];
    server = createApp({ config, log: createLogger({ level: "silent" }), db, kv, routers }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    officer = (await issueApiToken(db, h.clock, (await h.person("赵磊")).mobile, "值班")).token;
    inspector = (await issueApiToken(db, h.clock, (await h.person("高鹏")).mobile, "巡查")).token;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
  });

  const post = async (body: string, type: string, token = officer, query = ""): Promise<Reply> => {
    const res = await fetch(`${base}/api/warnings${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body });
    return { status: res.status, body: (await res.json()) as Reply["body"] };
  };
  const names = async (calloutId: number): Promise<string[]> => {
    const res = await fetch(`${base}/api/callouts/${calloutId}/recipients`, { headers: { authorization: `Bearer ${officer}` } });
    return ((await res.json()) as { data: { name: string }[] }).data.map((r) => r.name);
  };
  const idsOf = async (...people: string[]) => Promise.all(people.map(async (n) => (await h.person(n)).id));

  it("turns a red rainstorm CAP warning into a draft calling cadres, leaders and every enterprise owner there", async () => {
    const res = await post(fixture("qinghe-rainstorm-red.xml"), "application/cap+xml");
    expect(res.status).toBe(201);
    type Term = { code: string; label: string };
    const d = res.body.data as { calloutId: number; level: Term; warningType: Term; total: number; answerMinutes: number; unknownAreas: string[]; byRole: { role: Term; count: number }[]; byUnit: { name: string; count: number }[] };
    expect(d).toMatchObject({
      warningType: { code: "rainstorm", label: "暴雨" },
      level: { code: "red", label: "红色" },
      total: 24,
      answerMinutes: 15,
      unknownAreas: [],
      state: { code: "draft", label: "草稿" },
    });
    expect(d.byRole).toEqual(
      expect.arrayContaining([
        { role: { code: "village_cadre", label: "村社区干部" }, count: 8 },
        { role: { code: "enterprise_owner", label: "企业单位负责人" }, count: 14 },
        { role: { code: "admin_owner", label: "行政负责人" }, count: 2 },
      ]),
    );
    expect(d.byUnit.find((u) => u.name === "东岭镇")?.count).toBe(1);
    const listed = await names(d.calloutId);
    expect(listed).toHaveLength(24);
    expect(listed).toEqual(expect.arrayContaining(["宋志刚", "曹建华", "曾国平", "魏芳", "潘德明", "谭明"]));
    expect(listed).not.toContain("邓文"); // 西河街道 is not warned
  });

  it("turns the JSON form into a draft and honours the level's answer window", async () => {
    const res = await post(JSON.stringify({ type: "暴雨", level: "黄", areas: ["QH-XH"], validFrom: "2026-07-12T08:00:00+08:00", validTo: "2026-07-12T20:00:00+08:00", text: "西河街道未来6小时有暴雨。" }), "application/json");
    expect(res.status).toBe(201);
    const d = res.body.data as { calloutId: number; answerMinutes: number; title: string };
    expect(d).toMatchObject({ answerMinutes: 60, title: "暴雨黄色预警叫应" });
    // Yellow rainstorm: cadres and the duty leader, plus owners of construction sites and scenic spots.
    expect((await names(d.calloutId)).sort()).toEqual(["邓文", "薛峰", "叶敏", "阎波", "余佳", "汪洋", "范伟"].sort());
  });

  it("refuses a CAP file with unknown areas, listing them, unless partial=1", async () => {
    const refused = await post(fixture("qinghe-gale-unknown-areas.xml"), "application/xml");
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("warning_unknown_area");
    expect(refused.body.message).toContain("云峰乡、青龙镇");
    expect(refused.body.details?.unknownAreas).toEqual(["云峰乡", "青龙镇"]);

    const partial = await post(fixture("qinghe-gale-unknown-areas.xml"), "text/xml", officer, "?partial=1");
    expect(partial.status).toBe(201);
    const d = partial.body.data as { calloutId: number; unknownAreas: string[]; areas: { code: string }[] };
    expect(d.unknownAreas).toEqual(["云峰乡", "青龙镇"]);
    expect(d.areas.map((a) => a.code)).toEqual(["QH-XH", "QH-DL"]);
    expect((await names(d.calloutId)).length).toBe(14);
    const preview = await fetch(`${base}/api/callouts/${d.calloutId}/recipients`, { headers: { authorization: `Bearer ${officer}` } });
    const ids = ((await preview.json()) as { data: { personId: number }[] }).data.map((r) => r.personId);
    expect(ids).toEqual(expect.arrayContaining(await idsOf("宋志刚", "邓文", "戴红", "汪洋", "田野", "范伟")));
  });

  it("refuses a warning whose areas are all unknown even with partial=1", async () => {
    const res = await post(JSON.stringify({ type: "大雾", level: "蓝", areas: ["云峰乡"], text: "大雾" }), "application/json", officer, "?partial=1");
    expect(res.status).toBe(422);
    expect(res.body.message).toContain("云峰乡");
  });

  it("refuses XXE and billion laughs", async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><info><headline>&x;</headline></info></alert>`;
    const lol = `<!DOCTYPE lolz [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><info><headline>&c;</headline></info></alert>`;
    for (const body of [xxe, lol]) {
      const res = await post(body, "application/cap+xml");
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "cap_dtd_refused" });
      expect(res.body.message).toContain("DOCTYPE");
    }
  });

  it("answers malformed XML and JSON with 400 in Chinese, and other media types with 415", async () => {
    const xml = await post("<alert><info><event>暴雨", "application/xml");
    expect(xml).toMatchObject({ status: 400, body: { code: "cap_invalid_xml" } });
    expect(xml.body.message).toContain("不是有效的 XML");
    const json = await post('{"type": "暴雨",', "application/json");
    expect(json).toMatchObject({ status: 400, body: { code: "invalid_json", message: "请求内容不是有效的 JSON" } });
    const fields = await post(JSON.stringify({ type: "台风", level: "紫", areas: [] }), "application/json");
    expect(fields.status).toBe(400);
    expect(fields.body.message).toContain("预警类型只能是");
    expect(fields.body.message).toContain("预警等级只能是");
    expect((await post("type=暴雨", "application/x-www-form-urlencoded")).status).toBe(415);
  });

  it("refuses people without a duty or leader role", async () => {
    const res = await post(fixture("qinghe-rainstorm-red.xml"), "application/cap+xml", inspector);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain("没有权限");
  });
});
