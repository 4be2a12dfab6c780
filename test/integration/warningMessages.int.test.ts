import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createApp } from "../../src/app";
import { Callout, CalloutRecipient, WarningMessage } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { WarningService } from "../../src/domain/warnings";
import { calloutRoutes } from "../../src/http/routes/callouts";
import { warningRoutes } from "../../src/http/routes/warnings";
import { createLogger } from "../../src/log";
import { backend } from "../support/backend";
import { type CalloutHarness, openCalloutHarness } from "../support/calloutHarness";
import { wecomIds } from "../support/accounts";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/cap", name), "utf8");

interface Term {
  code: string;
  label: string;
}

interface Data {
  calloutId: number;
  state: Term;
  outcome: string;
  duplicate: boolean;
  supersedes: number | null;
  cancelled: number[];
  message: string;
  level: Term;
  total: number;
}

interface Reply {
  status: number;
  body: { data: Data; code?: string; message?: string };
}

// The same CAP message twice starts one 叫应; updates and cancellations act on their warning's campaigns.
describe(`warning messages: duplicates, updates, cancellations (${backend()})`, () => {
  let h: CalloutHarness;
  let server: Server;
  let base: string;
  let officer: string;
  let colleague: string;

  beforeAll(async () => {
    h = await openCalloutHarness();
    const { db, kv, config } = h.stores;
    const warnings = new WarningService({ db, callouts: h.callouts, clock: h.clock });
    const routers = [warningRoutes({ db, clock: h.clock, warnings }), calloutRoutes({ db, clock: h.clock, callouts: h.callouts })];
    server = createApp({ config, log: createLogger({ level: "silent" }), db, kv, routers }).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    officer = (await issueApiToken(db, h.clock, (await h.person("赵磊")).mobile, "值班")).token;
    colleague = (await issueApiToken(db, h.clock, (await h.person("李明")).mobile, "带班")).token;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
  });

  const post = async (body: string, type = "application/cap+xml", token = officer): Promise<Reply> => {
    const res = await fetch(`${base}/api/warnings`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body });
    return { status: res.status, body: (await res.json()) as Reply["body"] };
  };
  const callout = (id: number) => h.stores.db.manager.findOneByOrFail(Callout, { id });
  const peopleOf = async (id: number) => (await h.stores.db.manager.find(CalloutRecipient, { where: { calloutId: id } })).map((r) => r.personId);
  const sendAs = async (id: number) => {
    await h.callouts.send(await h.person("赵磊"), id);
    await h.drain();
  };

  it("starts one callout for a CAP message posted twice, and answers the repeat with it", async () => {
    const first = await post(fixture("qinghe-rainstorm-red.xml"));
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ outcome: "created", duplicate: false, state: { code: "draft", label: "草稿" } });
    // Another officer relays the same warning a minute later.
    h.clock.advance(60_000);
    const again = await post(fixture("qinghe-rainstorm-red.xml"), "application/xml", colleague);
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ calloutId: first.body.data.calloutId, duplicate: true, outcome: "created", state: { code: "draft", label: "草稿" }, level: { code: "red", label: "红色" } });
    expect(again.body.data.message).toContain("已于");
    expect(again.body.data.message).toContain("未重复处理");
    expect(await h.stores.db.manager.count(Callout, { where: { title: "青禾县气象台发布暴雨红色预警信号" } })).toBe(1);
  });

  it("starts one callout when the same JSON identifier arrives twice at once, and another for another sender", async () => {
    const body = (sender?: string) => JSON.stringify({ type: "大雾", level: "蓝", areas: ["QH-XH"], text: "西河街道有大雾，能见度低于200米。", title: "西河街道大雾蓝色预警", identifier: "fog-2026-11-26-01", ...(sender ? { sender } : {}) });
    const [a, b] = await Promise.all([post(body(), "application/json"), post(body(), "application/json", colleague)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const [made, repeat] = a.status === 201 ? [a, b] : [b, a];
    expect(repeat.body.data).toMatchObject({ duplicate: true, calloutId: made.body.data.calloutId });
    expect(await h.stores.db.manager.count(Callout, { where: { title: "西河街道大雾蓝色预警" } })).toBe(1);

    const other = await post(body("县应急管理局"), "application/json");
    expect(other.status).toBe(201);
    expect(other.body.data.calloutId).not.toBe(made.body.data.calloutId);
  });

  it("replaces an unsent draft when its warning is updated", async () => {
    const alert = await post(fixture("qinghe-heat-yellow.xml"));
    expect(alert.status).toBe(201);
    const update = await post(fixture("qinghe-heat-yellow-update.xml"));
    expect(update.status).toBe(201);
    expect(update.body.data).toMatchObject({ outcome: "replaced", supersedes: alert.body.data.calloutId, cancelled: [alert.body.data.calloutId] });
    expect(update.body.data.message).toContain(`#${alert.body.data.calloutId} 已作废`);
    expect((await callout(alert.body.data.calloutId)).state).toBe("cancelled");
    const fresh = await callout(update.body.data.calloutId);
    expect(fresh).toMatchObject({ state: "draft", title: "青禾县气象台更新高温黄色预警信号" });
    expect(fresh.text).toContain("持续至明天");
    // Nobody had been called, so nobody is told anything.
    expect(await h.outbox.deliveriesOfSource(`callout:${alert.body.data.calloutId}`)).toHaveLength(0);
  });

  it("records a same-level update, drafts only the people new areas add, escalates on a higher level and ends everything when lifted", async () => {
    const alert = await post(fixture("qinghe-rainstorm-orange.xml"));
    expect(alert.status).toBe(201);
    const orange = alert.body.data.calloutId;
    await sendAs(orange);
    const called = new Set(await peopleOf(orange));

    // Later expiry, same level, same town: nobody's duty changes and nothing is sent.
    const later = await post(fixture("qinghe-rainstorm-orange-update.xml"));
    expect(later.status).toBe(200);
    expect(later.body.data).toMatchObject({ outcome: "recorded", calloutId: orange, supersedes: orange, state: { code: "sent", label: "进行中" }, cancelled: [] });
    expect(later.body.data.message).toContain("不重复叫应");

    // 南川镇 joins: a draft for its people only; those already called are not called again.
    const wider = await post(fixture("qinghe-rainstorm-orange-update-areas.xml"));
    expect(wider.status).toBe(201);
    expect(wider.body.data).toMatchObject({ outcome: "extended", supersedes: orange });
    const extended = wider.body.data.calloutId;
    const added = await peopleOf(extended);
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((p) => called.has(p))).toEqual([]);
    expect((await callout(extended)).text).toContain("【预警范围扩大】");

    // Red: everyone red calls gets a new card; the orange campaign runs on, the stale draft goes.
    const red = await post(fixture("qinghe-rainstorm-red-update.xml"));
    expect(red.status).toBe(201);
    expect(red.body.data).toMatchObject({ outcome: "escalated", level: { code: "red", label: "红色" }, supersedes: orange, cancelled: [extended] });
    const escalated = red.body.data.calloutId;
    expect((await callout(extended)).state).toBe("cancelled");
    expect((await callout(orange)).state).toBe("sent");
    const redPeople = await peopleOf(escalated);
    expect([...called].every((p) => redPeople.includes(p))).toBe(true);
    expect(await callout(escalated)).toMatchObject({ level: "red", answerMinutes: 15, requiresReport: true });
    expect((await callout(escalated)).text).toContain("【预警升级：橙色 → 红色】");

    // 预警解除: the running campaign stops and its people are told; the red draft is withdrawn.
    const lifted = await post(fixture("qinghe-rainstorm-cancel.xml"));
    expect(lifted.status).toBe(200);
    expect(lifted.body.data).toMatchObject({ outcome: "cancelled", duplicate: false });
    expect([...lifted.body.data.cancelled].sort((x, y) => x - y)).toEqual([orange, escalated]);
    expect((await callout(orange)).state).toBe("cancelled");
    expect((await callout(escalated)).state).toBe("cancelled");
    const mark = h.sender.delivered.length;
    await h.drain();
    const told = h.sender.delivered.slice(mark).filter((d) => d.message.kind === "text" && d.message.text.includes("预警已由发布单位解除"));
    const reachable = await h.stores.db.manager.find(CalloutRecipient, { where: { calloutId: orange }, relations: { person: true } });
    const held = await wecomIds(h.stores.db.manager);
    const accounts = reachable.filter((r) => r.sentAt && held.has(r.personId)).map((r) => held.get(r.personId) as string);
    expect(told.map((d) => d.recipient).sort()).toEqual(accounts.sort());
    // Nothing of the campaign is still waiting to go out.
    expect(await h.outbox.deliveriesOfSource(`callout:${orange}`, undefined, { statuses: ["pending", "sending"] })).toHaveLength(0);

    const repeat = await post(fixture("qinghe-rainstorm-cancel.xml"));
    expect(repeat.body.data).toMatchObject({ duplicate: true, outcome: "cancelled" });
    const kept = await h.stores.db.manager.find(WarningMessage, { where: { sender: "青禾县气象台" }, order: { id: "ASC" } });
    const chain = kept.filter((m) => m.identifier.startsWith("51990141600000_20260712"));
    expect(chain.map((m) => [m.msgType, m.outcome])).toEqual([
      ["Alert", "created"],
      ["Alert", "created"],
      ["Update", "recorded"],
      ["Update", "extended"],
      ["Update", "escalated"],
      ["Cancel", "cancelled"],
    ]);
  });

  it("refuses a cancellation of a warning never received", async () => {
    const res = await post(fixture("qinghe-cancel-unknown.xml"));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("warning_reference_unknown");
    expect(res.body.message).toContain("未曾接收");
    const bare = await post(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x-1</identifier><sender>青禾县气象台</sender><msgType>Cancel</msgType></alert>`);
    expect(bare.status).toBe(422);
    expect(bare.body.message).toContain("references");
  });

});
