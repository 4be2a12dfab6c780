import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { calloutRoutes } from "../../src/http/routes/callouts";
import { createLogger } from "../../src/log";
import { backend } from "../support/backend";
import { type CalloutHarness, openCalloutHarness } from "../support/calloutHarness";

describe(`callout admin API (${backend()})`, () => {
  let h: CalloutHarness;
  let server: Server;
  let base: string;
  let officer: string;
  let inspector: string;

  beforeAll(async () => {
    h = await openCalloutHarness();
    const { db, kv, config } = h.stores;
    server = createApp({ config, log: createLogger({ level: "silent" }), db, kv, routers: [calloutRoutes({ db, clock: h.clock, callouts: h.callouts })] }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    officer = (await issueApiToken(db, h.clock, (await h.person("赵磊")).mobile, "值班")).token;
    inspector = (await issueApiToken(db, h.clock, (await h.person("高鹏")).mobile, "巡查")).token;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as { data?: never; code?: string; message?: string; details?: unknown } };
  };

  it("creates a draft from rules, previews, edits, sends and shows the board", async () => {
    const created = await call("POST", "/api/callouts", officer, {
      title: "大风蓝色预警",
      text: "请各村做好防风准备。",
      warningType: "大风",
      level: "蓝",
      rules: [{ units: ["QH-DL"], roles: ["village_cadre", "带班领导"] }],
    });
    expect(created.status).toBe(201);
    const data = created.body.data as unknown as { id: number; state: unknown; answerMinutes: number; recipients: { name: string; roles: unknown[] }[] };
    expect(data.state).toEqual({ code: "draft", label: "草稿" });
    expect(data.answerMinutes).toBe(120);
    expect(data.recipients.find((r) => r.name === "宋志刚")?.roles).toContainEqual({ code: "duty_leader", label: "带班领导" });
    expect(data.recipients.map((r) => r.name)).toEqual(["宋志刚", "曾国平", "吕红梅", "苏建军", "蒋春燕"]);

    const wei = await h.person("魏芳");
    const edited = await call("POST", `/api/callouts/${data.id}/recipients`, officer, { add: [wei.id], remove: [(await h.person("宋志刚")).id] });
    expect((edited.body.data as unknown as { name: string }[]).map((r) => r.name)).toEqual(["曾国平", "吕红梅", "苏建军", "蒋春燕", "魏芳"]);
    const preview = await call("GET", `/api/callouts/${data.id}/recipients`, officer);
    expect(preview.body.data).toHaveLength(5);

    const sent = await call("POST", `/api/callouts/${data.id}/send`, officer);
    expect(sent.status).toBe(200);
    expect((sent.body.data as unknown as { state: unknown }).state).toEqual({ code: "sent", label: "进行中" });
    await h.drain();
    const taskId = h.sender.calls.map((c) => (c.message.kind === "card" ? c.message.card.taskId : "")).find(Boolean) as string;
    await h.click(await h.person("曾国平"), taskId);
    await h.say(await h.person("魏芳"), "收到");

    const board = await call("GET", `/api/callouts/${data.id}`, officer);
    expect(board.status).toBe(200);
    type Term = { code: string; label: string };
    const b = board.body.data as unknown as { state: Term; warningType: Term; level: Term; counts: Record<string, number>; people: { name: string; state: Term }[] };
    expect(b).toMatchObject({ state: { code: "sent", label: "进行中" }, warningType: { code: "gale", label: "大风" }, level: { code: "blue", label: "蓝色" } });
    expect(b.counts).toMatchObject({ total: 5, answered: 2, notYet: 3, escalated: 0, unreachable: 0 });
    expect(b.people.find((p) => p.name === "魏芳")?.state).toEqual({ code: "acknowledged", label: "已收到" });

    expect((await call("POST", `/api/callouts/${data.id}/send`, officer)).status).toBe(409);
    const cancelled = await call("POST", `/api/callouts/${data.id}/cancel`, officer);
    expect(cancelled.status).toBe(200);
    expect((cancelled.body.data as unknown as { state: unknown }).state).toEqual({ code: "cancelled", label: "已取消" });
  });

  it("refuses people without a duty or leader role", async () => {
    const res = await call("GET", "/api/callouts/1", inspector);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain("没有权限");
  });

  it("answers bad input with 400 and Chinese messages", async () => {
    const res = await call("POST", "/api/callouts", officer, { title: "", text: "x", warningType: "台风", level: "紫", rules: [] });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("请填写标题");
    expect(res.body.message).toContain("预警类型只能是");
    expect(res.body.message).toContain("预警等级只能是");
    const unknownUnit = await call("POST", "/api/callouts", officer, { title: "t", text: "x", warningType: "暴雨", level: "红", rules: [{ units: ["NOPE"], roles: ["village_cadre"] }] });
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.body.message).toContain("找不到以下单位：NOPE");
    // zod's own checks (integers, list sizes) answer in Chinese too, field by field.
    const odd = await call("POST", "/api/callouts", officer, { title: "t", text: "x", warningType: "暴雨", level: "红", personIds: [1.5], maxReminders: 2.5, rules: "全部" });
    expect(odd.status).toBe(400);
    expect(odd.body.message).toContain("人员编号应为整数");
    expect(odd.body.message).not.toMatch(/[A-Za-z]/);
    const problems = (odd.body.details as { problems: { where: string; message: string }[] }).problems;
    expect(problems.map((p) => p.where).sort()).toEqual(["maxReminders", "personIds.0", "rules"]);
    expect(problems.every((p) => /[\u4e00-\u9fff]/.test(p.message))).toBe(true);
    expect((await call("GET", "/api/callouts/abc", officer)).status).toBe(400);
    expect((await call("GET", "/api/callouts/9999", officer)).status).toBe(404);
  });
});
