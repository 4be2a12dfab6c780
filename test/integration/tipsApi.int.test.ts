import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { AuditEntry, Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { OutboxService } from "../../src/domain/outbox";
import { TipKeys, TipService } from "../../src/domain/tips";
import { tipRoutes } from "../../src/http/routes/tips";
import { createLogger } from "../../src/log";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { wecomId } from "../support/accounts";

const DAY = 24 * 60 * 60 * 1000;

describe(`tip admin API (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let server: Server;
  let base: string;
  let tips: TipService;
  const tokens = new Map<string, string>();
  const who = new Map<string, Person>();
  const p = (name: string) => who.get(name) as Person;

  type Json = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  async function call(as: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; headers: Headers }> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (as) headers.authorization = `Bearer ${tokens.get(as)}`;
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Json, headers: res.headers };
  }
  const newTip = (by = "潘德明") => tips.report(p(by), { content: "柳湾机械制造有限公司有限空间作业未检测气体，工人直接下井" });

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    for (const x of await stores.db.manager.find(Person)) who.set(x.name, x);
    for (const name of ["刘洋", "张伟", "郭强", "唐亮", "李明"]) tokens.set(name, (await issueApiToken(stores.db, clock, p(name).mobile, "测试")).token);
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    tips = new TipService({ db: stores.db, outbox, clock, keys: TipKeys.ephemeral(), channels: ["wecom"] });
    const app = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db: stores.db, kv: stores.kv, routers: [tipRoutes({ db: stores.db, clock, tips })] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  it("lets a tip officer list and read every tip, the tipster shown only by pseudonym", async () => {
    const tip = await newTip();
    const list = await call("刘洋", "GET", "/api/tips?state=received");
    expect(list.status).toBe(200);
    expect(list.json.data.map((t: Json) => t.number)).toContain(tip.number);
    const detail = await call("刘洋", "GET", `/api/tips/${tip.id}`);
    expect(detail.json.data).toMatchObject({
      number: tip.number,
      state: { code: "received", label: "待受理" },
      source: { code: "employee", label: "企业内部人员（吹哨人）" },
      reporter: { pseudonym: tip.pseudonym, anonymous: false },
      timeline: [{ action: "tip.report", actionLabel: "提交举报", actor: { id: null, name: tip.pseudonym } }],
      reveals: [],
    });
    expect(JSON.stringify(detail.json)).not.toContain("潘德明");
    expect(JSON.stringify(detail.json)).not.toContain(p("潘德明").mobile);
  });

  it("takes a tip through accept, close and reward over HTTP; the handler sees and closes only theirs", async () => {
    const tip = await newTip();
    const due = new Date(clock.now().getTime() + 15 * DAY).toISOString();
    expect((await call("张伟", "POST", `/api/tips/${tip.id}/accept`, {})).status).toBe(403);
    const accepted = await call("刘洋", "POST", `/api/tips/${tip.id}/accept`, { handlerId: p("郭强").id, dueAt: due, version: 1 });
    expect(accepted.status).toBe(200);
    expect(accepted.json.data).toMatchObject({ state: { code: "verifying" }, handler: { id: p("郭强").id, name: "郭强" }, dueAt: due, overdue: false });

    const asHandler = await call("郭强", "GET", "/api/tips");
    expect(asHandler.json.data.map((t: Json) => t.id)).toEqual([tip.id]);
    const handlerView = await call("郭强", "GET", `/api/tips/${tip.id}`);
    expect(handlerView.json.data.reporter).toEqual({ pseudonym: tip.pseudonym, anonymous: false });
    expect(handlerView.json.data).not.toHaveProperty("reveals");
    expect((await call("张伟", "GET", `/api/tips/${tip.id}`)).json).toMatchObject({ code: "tip_not_found", message: "找不到该举报" });
    expect((await call("张伟", "POST", `/api/tips/${tip.id}/close`, { result: "substantiated", note: "属实" })).status).toBe(404);

    const bad = await call("郭强", "POST", `/api/tips/${tip.id}/close`, { result: "maybe", note: "" });
    expect(bad.status).toBe(400);
    expect(bad.json.details.problems.map((x: Json) => x.where).sort()).toEqual(["note", "result"]);
    const closed = await call("郭强", "POST", `/api/tips/${tip.id}/close`, { result: "substantiated", note: "现场查实，已责令停止作业" });
    expect(closed.json.data).toMatchObject({ state: { code: "closed", label: "已办结" }, result: { code: "substantiated", label: "属实" } });

    const reward = await call("刘洋", "POST", `/api/tips/${tip.id}/reward`, { amount: 800 });
    expect(reward.json.data.reward).toMatchObject({ state: { code: "pending", label: "待审批" }, amount: 800 });
    expect((await call("刘洋", "POST", `/api/tips/${tip.id}/reward-approve`, {})).status).toBe(403);
    const approved = await call("李明", "POST", `/api/tips/${tip.id}/reward-approve`, {});
    expect(approved.json.data.reward.state).toEqual({ code: "approved", label: "待兑现" });
    const paid = await call("刘洋", "POST", `/api/tips/${tip.id}/reward-paid`, {});
    expect(paid.json.data.reward.state.code).toBe("paid");
    expect(paid.json.data.timeline.map((l: Json) => l.actionLabel)).toEqual(["提交举报", "受理", "办结", "决定奖励", "审批奖励", "奖励兑现"]);
    const again = await call("刘洋", "POST", `/api/tips/${tip.id}/reward-paid`, {});
    expect(again).toMatchObject({ status: 409, json: { code: "tip_illegal_transition", message: "该举报的奖励已兑现" } });
  });

  it("rejects a tip with its reason, and says which version moved", async () => {
    const tip = await newTip("唐亮");
    expect((await call("刘洋", "POST", `/api/tips/${tip.id}/reject`, { reason: "重复举报", version: 7 })).json.code).toBe("tip_changed_concurrently");
    const rejected = await call("刘洋", "POST", `/api/tips/${tip.id}/reject`, { reason: "重复举报，已并入前案" });
    expect(rejected.json.data).toMatchObject({ state: { code: "rejected", label: "不予受理" }, resolution: "重复举报，已并入前案" });
  });

  it("reveals the tipster to a tip officer only (POST /reveal, reason required, audited), never cached", async () => {
    const tip = await newTip();
    const refused = await call("郭强", "POST", `/api/tips/${tip.id}/reveal`, { reason: "好奇" });
    expect(refused).toMatchObject({ status: 403, json: { code: "tip_reveal_forbidden", message: "只有举报受理人员可以查看举报人身份" } });
    expect((await call("刘洋", "POST", `/api/tips/${tip.id}/reveal`, {})).json).toMatchObject({ code: "tip_reveal_reason_required" });
    const revealed = await call("刘洋", "POST", `/api/tips/${tip.id}/reveal`, { reason: "核实举报人身份以兑现奖励" });
    expect(revealed.status).toBe(200);
    expect(revealed.headers.get("cache-control")).toBe("no-store");
    expect(revealed.json.data).toEqual({
      tip: { id: tip.id, number: tip.number, pseudonym: tip.pseudonym },
      reporter: { personId: p("潘德明").id, name: "潘德明", mobile: p("潘德明").mobile, unit: expect.any(String), accounts: { wecom: await wecomId(stores.db.manager, p("潘德明")) } },
    });
    const lines = await stores.db.manager.find(AuditEntry, { where: { entityType: "tip", entityId: String(tip.id) }, order: { id: "ASC" } });
    expect(lines.filter((l) => l.action.startsWith("tip.reveal")).map((l) => [l.action, l.actor, l.requestId !== null])).toEqual([
      ["tip.reveal_refused", `person:${p("郭强").id}`, true],
      ["tip.reveal", `person:${p("刘洋").id}`, true],
    ]);
    expect(JSON.stringify(lines)).not.toContain("潘德明");
    const detail = await call("刘洋", "GET", `/api/tips/${tip.id}`);
    expect(detail.json.data.reveals).toEqual([
      { at: expect.any(String), by: { id: p("郭强").id, name: "郭强" }, refused: true, reason: "好奇" },
      { at: expect.any(String), by: { id: p("刘洋").id, name: "刘洋" }, refused: false, reason: "核实举报人身份以兑现奖励" },
    ]);
  });

  it("answers without a token with 401 and a bad id with a Chinese 400", async () => {
    expect((await call(null, "GET", "/api/tips")).status).toBe(401);
    expect((await call("刘洋", "GET", "/api/tips/abc")).json).toMatchObject({ code: "invalid_input", details: { problems: [{ message: "举报编号应为数字" }] } });
    expect((await call("刘洋", "GET", "/api/tips?state=open")).status).toBe(400);
  });
});
