import type { ChannelId, ChannelSender, OutboundMessage } from "../../src/channels/channel";
import { WecomApi } from "../../src/channels/wecom/api";
import { WecomSender } from "../../src/channels/wecom/WecomSender";
import { FakeWecom } from "../fakes/fakeWecom";
import { openOutboxHarness, type OutboxHarness } from "../support/outboxHarness";

// The outbox worker sending through the real WeChat Work sender to the fake platform.
describe("outbox through WeChat Work (fake)", () => {
  let h: OutboxHarness;
  let fake: FakeWecom;
  let senders: Map<ChannelId, ChannelSender>;

  beforeEach(async () => {
    h = await openOutboxHarness();
    fake = new FakeWecom({ corpId: `ww${Math.random().toString(16).slice(2, 14)}`, secret: "s3cret" });
    await fake.start();
    const api = new WecomApi({ corpId: fake.config.corpId, agentId: fake.config.agentId, secret: "s3cret", apiBase: fake.url, kv: h.stores.kv, timeoutMs: 5000 });
    senders = new Map<ChannelId, ChannelSender>([["wecom", new WecomSender({ api })]]);
  });
  afterEach(async () => {
    await h.close();
    await fake.stop();
  });

  const card: OutboundMessage = { kind: "card", card: { taskId: "co1-1", title: "暴雨红色预警 叫应", buttons: [{ key: "ack", label: "收到" }] } };

  it("sends one card to 1,500 people in calls the rate limit splits, and the platform refuses none", async () => {
    const people = Array.from({ length: 1500 }, (_, i) => `p${String(i).padStart(4, "0")}`);
    for (const p of people) fake.addUser({ userid: p, name: p, department: [1] });
    const { message } = await h.enqueue({ idempotencyKey: "big", lane: "callout", message: card, recipients: people });
    // 1,200 today: the second call of 500 goes out with 200, the other 300 wait for midnight.
    const worker = h.worker({ limits: { wecom: { perAppPerDay: 1200 } } }, { senders });
    expect(await worker.drainOnce(h.clock.now())).toMatchObject({ sent: 1200, deferred: 300, failed: 0 });
    h.clock.set("2026-01-05T16:00:00Z"); // 00:00 in Shanghai
    expect(await worker.drainOnce(h.clock.now())).toMatchObject({ sent: 300, failed: 0 });

    const ds = await h.outbox.deliveriesOfMessage(message.id);
    expect(ds.filter((d) => d.status !== "sent")).toEqual([]);
    expect(fake.calls("message/send")).toHaveLength(3);
    expect(fake.messages.map((m) => m.delivered.length)).toEqual([1000, 200, 300]);
    expect(new Set(fake.messages.flatMap((m) => m.delivered)).size).toBe(1500);
    const taskIds = fake.messages.map((m) => m.taskId);
    expect(new Set(taskIds).size).toBe(3);
    for (const id of taskIds) expect(id).toMatch(/^co1-1-[0-9a-f]{8}$/);
  });

  it("waits out an untrusted IP (60020) without using up attempts, then delivers once", async () => {
    fake.failNext({ errcode: 60020, errmsg: "not allow to access from your ip" }, { times: 2, api: "message/send" });
    const { message } = await h.enqueue({ idempotencyKey: "ip", lane: "callout", message: card, recipients: ["ZhangWei", "LiNa"] });
    const worker = h.worker({}, { senders });
    const start = h.clock.now().getTime();
    for (const minutes of [0, 5]) {
      h.clock.set(new Date(start + minutes * 60_000));
      expect(await worker.drainOnce(h.clock.now())).toMatchObject({ calls: 1, paused: 2, failed: 0 });
      const ds = await h.outbox.deliveriesOfMessage(message.id);
      expect(ds.map((d) => [d.status, d.attempts, d.errorCode])).toEqual([
        ["pending", 0, "wecom_60020"],
        ["pending", 0, "wecom_60020"],
      ]);
    }
    h.clock.set(new Date(start + 10 * 60_000));
    expect(await worker.drainOnce(h.clock.now())).toMatchObject({ calls: 1, sent: 2 });
    const ds = await h.outbox.deliveriesOfMessage(message.id);
    expect(ds.map((d) => [d.status, d.attempts])).toEqual([
      ["sent", 1],
      ["sent", 1],
    ]);
    expect(fake.messages.map((m) => m.delivered)).toEqual([["ZhangWei", "LiNa"]]);
    expect(h.logs.filter((l) => l.msg === "outbox channel paused: configuration problem").map((l) => l.code)).toEqual(["wecom_60020", "wecom_60020"]);
  });
});
