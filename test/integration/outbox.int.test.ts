import type { ChannelId, ChannelSender } from "../../src/channels/channel";
import { OutboxDelivery, OutboxMessage } from "../../src/db/entities";
import { routeRecipients } from "../../src/domain/outbox";
import { openOutboxHarness, type OutboxHarness, text } from "../support/outboxHarness";
import { RecordingSender } from "../support/recordingSender";

// Enqueue and send: transactions, idempotency, lanes, chunking, answers, failures.
/** Resolves once `check` holds, looking every 20 ms (the test's timeout bounds it). */
async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe("outbox: enqueue and send", () => {
  let h: OutboxHarness;
  beforeEach(async () => {
    h = await openOutboxHarness();
  });
  afterEach(() => h.close());

  it("sends nothing when the enqueuing transaction rolls back", async () => {
    const work = h.stores.db.transaction(async (tx) => {
      await h.outbox.enqueue(tx, { idempotencyKey: "rollback:1", lane: "reply", message: text("你好"), recipients: [{ channel: "wecom", userId: "zhangsan" }] });
      throw new Error("the change failed");
    });
    await expect(work).rejects.toThrow("the change failed");
    const report = await h.worker().drainOnce(h.clock.now());
    expect(report.calls).toBe(0);
    expect(h.sender.calls).toHaveLength(0);
    expect(await h.stores.db.manager.count(OutboxMessage)).toBe(0);
    expect(await h.stores.db.manager.count(OutboxDelivery)).toBe(0);
  });

  it("keeps one message for one idempotency key, and sends it once", async () => {
    const first = await h.enqueue({ idempotencyKey: "hazard:12:assigned", lane: "routine", message: text("隐患已分派"), recipients: ["lisi"] });
    const second = await h.enqueue({ idempotencyKey: "hazard:12:assigned", lane: "routine", message: text("隐患已分派"), recipients: ["lisi", "wangwu"] });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.message.id).toBe(first.message.id);
    expect(await h.stores.db.manager.count(OutboxMessage)).toBe(1);
    expect(await h.stores.db.manager.count(OutboxDelivery)).toBe(1);
    await h.worker().drainOnce(h.clock.now());
    expect(h.sender.copiesFor("lisi")).toBe(1);
    expect(h.sender.copiesFor("wangwu")).toBe(0);
  });

  it("keeps one message when a key enqueued as likely new was known after all, and the rest of its transaction commits", async () => {
    // A chat turn's reply skips the read before its insert; a late redelivery of an old turn
    // meets its own earlier reply on the unique key.
    const first = await h.enqueue({ idempotencyKey: "reply:wecom:1000002:77:0", lane: "reply", message: text("菜单"), recipients: ["lisi"] });
    const again = await h.stores.db.transaction(async (tx) => {
      const replay = await h.outbox.enqueue(tx, { idempotencyKey: "reply:wecom:1000002:77:0", lane: "reply", message: text("菜单"), recipients: [{ channel: "wecom", userId: "lisi" }], likelyNew: true });
      const next = await h.outbox.enqueue(tx, { idempotencyKey: "reply:wecom:1000002:78:0", lane: "reply", message: text("请描述隐患情况"), recipients: [{ channel: "wecom", userId: "lisi" }], likelyNew: true });
      return { replay, next };
    });
    expect(again.replay.created).toBe(false);
    expect(again.replay.message.id).toBe(first.message.id);
    expect(again.next.created).toBe(true);
    expect(await h.stores.db.manager.count(OutboxMessage)).toBe(2);
    expect(await h.stores.db.manager.count(OutboxDelivery)).toBe(2);
    await h.worker().drainOnce(h.clock.now());
    expect(h.sender.copiesFor("lisi")).toBe(2);
  });

  it("sends a message it is told of at once, not at the next poll", async () => {
    // An hour between polls: only `soon()` can have sent these.
    const hourly = await openOutboxHarness({ OUTBOX_POLL_MS: String(3_600_000) });
    try {
      const worker = hourly.worker();
      worker.start();
      for (const key of ["first", "second"]) {
        await hourly.enqueue({ idempotencyKey: `soon:${key}`, lane: "reply", message: text(key), recipients: ["zhangsan"] });
        worker.soon();
        await waitFor(() => hourly.sender.delivered.some((d) => d.message.kind === "text" && d.message.text === key));
        // Let the drain that sent it finish its last, empty claim: the next one must come from soon() again.
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(hourly.sender.delivered.map((d) => (d.message.kind === "text" ? d.message.text : ""))).toEqual(["first", "second"]);
    } finally {
      await hourly.close();
    }
  });

  it("sends callouts before replies before routine messages", async () => {
    await h.enqueue({ idempotencyKey: "r", lane: "routine", message: text("日报"), recipients: ["a"] });
    await h.enqueue({ idempotencyKey: "p", lane: "reply", message: text("收到"), recipients: ["b"] });
    await h.enqueue({ idempotencyKey: "c", lane: "callout", message: text("叫应"), recipients: ["c"] });
    await h.worker().drainOnce(h.clock.now());
    expect(h.sender.calls.map((c) => c.recipients[0])).toEqual(["c", "b", "a"]);
  });

  it("sends 2,500 recipients of one message in 3 calls of at most 1,000", async () => {
    const people = Array.from({ length: 2500 }, (_, i) => `user${i}`);
    await h.enqueue({ idempotencyKey: "digest:big", lane: "reply", message: text("全县日报"), recipients: people });
    const report = await h.worker().drainOnce(h.clock.now());
    expect(h.sender.calls.map((c) => c.recipients.length)).toEqual([1000, 1000, 500]);
    expect(new Set(h.sender.delivered.map((d) => d.recipient)).size).toBe(2500);
    expect(h.sender.delivered).toHaveLength(2500);
    expect(report).toMatchObject({ calls: 3, sent: 2500 });
  });

  it("retries transient failures with back-off and then sends exactly once", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "retry", lane: "callout", message: text("请回复"), recipients: ["zhaoliu"] });
    h.sender.failNext(2, true, "45033");
    const worker = h.worker();
    await worker.drainOnce(h.clock.now());
    let [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, errorCode: "45033" });
    // Equal jitter at random 0.5: 3/4 of the 10 s base.
    expect(d.nextAttemptAt.getTime() - h.clock.now().getTime()).toBe(7500);
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls).toHaveLength(1);
    h.clock.advance(7500);
    await worker.drainOnce(h.clock.now());
    [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "pending", attempts: 2 });
    expect(d.nextAttemptAt.getTime() - h.clock.now().getTime()).toBe(15000);
    h.clock.advance(15000);
    await worker.drainOnce(h.clock.now());
    [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "sent", outcome: "sent", attempts: 3, platformMessageId: "msg-1", errorCode: null });
    expect(h.sender.copiesFor("zhaoliu")).toBe(1);
    expect(h.sender.calls.map((c) => c.outcome)).toEqual(["refused", "refused", "accepted"]);
  });

  it("gives up after the configured attempts", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "hopeless", lane: "callout", message: text("请回复"), recipients: ["u1"] });
    h.sender.failNext(100, true, "-1");
    const worker = h.worker({ backoff: { baseMs: 1000, capMs: 1000 } });
    for (let i = 0; i < h.stores.config.outbox.maxAttempts + 2; i++) {
      await worker.drainOnce(h.clock.now());
      h.clock.advance(1000);
    }
    const [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "failed", outcome: "failed", attempts: h.stores.config.outbox.maxAttempts, errorCode: "-1" });
    expect(d.error).toContain(`重试 ${h.stores.config.outbox.maxAttempts} 次后仍失败`);
    expect(h.sender.calls).toHaveLength(h.stores.config.outbox.maxAttempts);
  });

  it("retries a delivery with a give-up time past the configured attempts, then sends it once", async () => {
    const giveUpAt = new Date(h.clock.now().getTime() + 60_000);
    const { message } = await h.enqueue({ idempotencyKey: "until-deadline", lane: "callout", message: text("叫应"), recipients: ["u1"], giveUpAt });
    const plain = await h.enqueue({ idempotencyKey: "by-attempts", lane: "callout", message: text("普通"), recipients: ["u2"] });
    h.sender.failNext(30, true, "wecom_http_502");
    const worker = h.worker({ backoff: { baseMs: 1000, capMs: 1000 } });
    for (let i = 0; i < 50; i++) {
      await worker.drainOnce(h.clock.now());
      h.clock.advance(1000);
    }
    const [bounded] = await h.outbox.deliveriesOfMessage(plain.message.id);
    expect(bounded).toMatchObject({ status: "failed", attempts: h.stores.config.outbox.maxAttempts });
    const [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "sent", outcome: "sent", giveUpAt });
    expect(d.attempts).toBeGreaterThan(h.stores.config.outbox.maxAttempts + 5);
    expect(h.sender.copiesFor("u1")).toBe(1);
  });

  it("fails a delivery still queued at its give-up time as expired, without sending it", async () => {
    const giveUpAt = new Date(h.clock.now().getTime() + 30_000);
    const { message } = await h.enqueue({ idempotencyKey: "expire", lane: "callout", message: text("叫应"), recipients: ["u1"], giveUpAt, notBefore: new Date(h.clock.now().getTime() + 40_000) });
    h.clock.advance(45_000);
    await h.worker().drainOnce(h.clock.now());
    const [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "failed", outcome: "failed", errorCode: "expired", attempts: 0 });
    expect(h.sender.calls).toHaveLength(0);
  });

  it("records a permanent failure with its reason and does not retry", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "perm", lane: "reply", message: text("回复"), recipients: ["u1", "u2"] });
    h.sender.failNext(1, false, "60011");
    const worker = h.worker();
    await worker.drainOnce(h.clock.now());
    h.clock.advance(3_600_000);
    await worker.drainOnce(h.clock.now());
    const ds = await h.outbox.deliveriesOfMessage(message.id);
    expect(ds.map((d) => [d.status, d.errorCode, d.attempts])).toEqual([
      ["failed", "60011", 1],
      ["failed", "60011", 1],
    ]);
    expect(ds[0].error).toContain("无权限");
    expect(h.sender.calls).toHaveLength(1);
  });

  it("records the platform's answer: message id, card code and invalid users", async () => {
    h.sender.invalid.add("gone");
    const { message } = await h.enqueue({ idempotencyKey: "answer", lane: "callout", source: "callout:7", message: text("叫应"), recipients: ["here", "Gone"] });
    await h.worker().drainOnce(h.clock.now());
    const ds = await h.outbox.deliveriesOfSource("callout:7");
    expect(ds.map((d) => [d.recipient, d.status, d.outcome])).toEqual([
      ["here", "sent", "sent"],
      ["Gone", "invalid", "unreachable"],
    ]);
    expect(ds[0]).toMatchObject({ messageId: message.id, platformMessageId: "msg-1", responseCode: "rc-1", sentAt: h.clock.now() });
  });

  it("leaves deliveries of a channel it has no sender for pending, for a worker that has one", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "nowecom", lane: "callout", message: text("叫应"), recipients: ["u1", "u2"] });
    // Started without WECOM_* settings: no sender at all, then only another channel's.
    const none = h.worker({}, { senders: new Map() });
    expect(await none.drainOnce(h.clock.now())).toMatchObject({ rounds: 0, failed: 0 });
    await none.stop();
    const ding = new RecordingSender("dingtalk");
    const other = h.worker({}, { senders: new Map<ChannelId, ChannelSender>([["dingtalk", ding]]) });
    await other.drainOnce(h.clock.now());
    await other.stop(); // frees the SQLite single-worker lock for the next one
    let ds = await h.outbox.deliveriesOfMessage(message.id);
    expect(ds.map((d) => [d.status, d.attempts, d.errorCode])).toEqual([
      ["pending", 0, null],
      ["pending", 0, null],
    ]);
    expect(ding.calls).toHaveLength(0);

    await h.worker().drainOnce(h.clock.now());
    ds = await h.outbox.deliveriesOfMessage(message.id);
    expect(ds.map((d) => d.status)).toEqual(["sent", "sent"]);
    expect(h.sender.calls.map((c) => c.recipients)).toEqual([["u1", "u2"]]);
  });

  it("pauses a channel whose settings are wrong: the messages wait uncounted and go out once fixed", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "ip", lane: "callout", message: text("叫应"), recipients: ["u1", "u2"] });
    h.sender.failConfigNext(2);
    const worker = h.worker();
    const start = h.clock.now().getTime();
    for (const minutes of [0, 5]) {
      h.clock.set(new Date(start + minutes * 60_000));
      const report = await worker.drainOnce(h.clock.now());
      expect(report).toMatchObject({ calls: 1, paused: 2, failed: 0, retrying: 0 });
      const ds = await h.outbox.deliveriesOfMessage(message.id);
      expect(ds.map((d) => [d.status, d.attempts, d.errorCode])).toEqual([
        ["pending", 0, "wecom_60020"],
        ["pending", 0, "wecom_60020"],
      ]);
      expect(ds[0].nextAttemptAt).toEqual(new Date(start + (minutes + 5) * 60_000));
      expect(ds[0].error).toContain("暂停发送");
      // Nothing goes out before the pause ends.
      await worker.drainOnce(new Date(start + (minutes + 4) * 60_000));
      expect(h.sender.calls).toHaveLength(minutes === 0 ? 1 : 2);
    }
    const paused = h.logs.filter((l) => l.msg === "outbox channel paused: configuration problem");
    expect(paused).toHaveLength(2);
    expect(paused[0]).toMatchObject({ level: 50, channel: "wecom", code: "wecom_60020", recipients: 2 });
    expect(JSON.stringify(paused)).not.toContain("可信IP");

    h.clock.set(new Date(start + 10 * 60_000));
    await worker.drainOnce(h.clock.now());
    const ds = await h.outbox.deliveriesOfMessage(message.id);
    expect(ds.map((d) => [d.status, d.attempts])).toEqual([
      ["sent", 1],
      ["sent", 1],
    ]);
    expect([h.sender.copiesFor("u1"), h.sender.copiesFor("u2")]).toEqual([1, 1]);
  });

  it("records people without an account as failed deliveries with a Chinese reason", async () => {
    const people = [
      { id: 1, accounts: new Map([["wecom" as const, "zhang"]]), active: true },
      { id: 2, accounts: new Map(), active: true },
      { id: 3, accounts: new Map([["wecom" as const, "left"]]), active: false },
    ];
    const recipients = routeRecipients(people, ["wecom"]);
    const { message } = await h.enqueue({ idempotencyKey: "people", lane: "reply", message: text("通知"), recipients });
    await h.worker().drainOnce(h.clock.now());
    const ds = await h.outbox.deliveriesOfMessage(message.id);
    expect(ds.map((d) => [d.personId, d.status, d.outcome, d.errorCode])).toEqual([
      [1, "sent", "sent", null],
      [2, "failed", "unreachable", "no_account"],
      [3, "failed", "unreachable", "inactive"],
    ]);
    expect(ds[1].error).toBe("未绑定企业微信账号，消息无法送达");
    expect(h.sender.calls.map((c) => c.recipients)).toEqual([["zhang"]]);
  });

  it("logs one line per send call without the message contents", async () => {
    await h.enqueue({ idempotencyKey: "log", lane: "reply", message: text("机密内容"), recipients: ["u1", "u2"] });
    await h.worker().drainOnce(h.clock.now());
    const lines = h.logs.filter((l) => l.msg === "outbox send");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ channel: "wecom", lane: "reply", recipients: 2, result: "sent" });
    expect(typeof lines[0].ms).toBe("number");
    expect(JSON.stringify(h.logs)).not.toContain("机密内容");
  });

  it("holds a message with notBefore until then", async () => {
    const later = new Date(h.clock.now().getTime() + 5 * 60_000);
    await h.enqueue({ idempotencyKey: "reminder", lane: "callout", message: text("五分钟后提醒"), recipients: ["u"], notBefore: later });
    const worker = h.worker();
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls).toHaveLength(0);
    h.clock.set(later);
    await worker.drainOnce(h.clock.now());
    expect(h.sender.copiesFor("u")).toBe(1);
  });

  it("refuses to enqueue outside a transaction", async () => {
    const request = { idempotencyKey: "loose", lane: "reply" as const, message: text("x"), recipients: [{ channel: "wecom" as const, userId: "u" }] };
    await expect(h.outbox.enqueue(h.stores.db.manager, request)).rejects.toThrow("inside the caller's transaction");
    expect(await h.stores.db.manager.count(OutboxMessage)).toBe(0);
  });

  it("refuses a message without recipients", async () => {
    await expect(h.enqueue({ idempotencyKey: "empty", lane: "reply", message: text("x"), recipients: [] })).rejects.toMatchObject({ code: "outbox_no_recipients" });
  });

  it("withdraws a source's pending deliveries, leaving rows mid-send and the excepted messages alone", async () => {
    const card = await h.enqueue({ idempotencyKey: "callout:9:send:1", lane: "callout", message: text("叫应卡片"), recipients: ["a", "b", "c"], source: "callout:9" });
    await h.enqueue({ idempotencyKey: "callout:9:remind:1:1", lane: "callout", message: text("第 1 次提醒"), recipients: ["a"], source: "callout:9", notBefore: new Date(h.clock.now().getTime() + 60_000) });
    await h.enqueue({ idempotencyKey: "callout:9:cancel:0", lane: "callout", message: text("已取消"), recipients: ["a", "b", "c"], source: "callout:9" });
    await h.enqueue({ idempotencyKey: "other", lane: "callout", message: text("别的消息"), recipients: ["a"], source: "callout:10" });
    // "b" is mid-call to the platform (claimed), "c" already went out.
    const rows = await h.outbox.deliveriesOfMessage(card.message.id);
    await h.stores.db.manager.update(OutboxDelivery, { id: rows[1]?.id }, { status: "sending", claimedUntil: new Date(h.clock.now().getTime() + 3_600_000) });
    await h.stores.db.manager.update(OutboxDelivery, { id: rows[2]?.id }, { status: "sent" });

    const cancelled = await h.stores.db.transaction((tx) => h.outbox.cancelSource(tx, "callout:9", { exceptKeys: ["callout:9:cancel:0"] }));
    expect(cancelled).toBe(2);
    expect((await h.outbox.deliveriesOfMessage(card.message.id)).map((d) => [d.recipient, d.status, d.outcome])).toEqual([
      ["a", "cancelled", "cancelled"],
      ["b", "sending", "pending"],
      ["c", "sent", "sent"],
    ]);
    await expect(h.outbox.cancelSource(h.stores.db.manager, "callout:9")).rejects.toThrow("inside the caller's transaction");

    h.clock.advance(120_000);
    await h.worker().drainOnce(h.clock.now());
    expect(h.sender.delivered.map((d) => (d.message.kind === "text" ? `${d.recipient}:${d.message.text}` : "")).sort()).toEqual(["a:别的消息", "a:已取消", "b:已取消", "c:已取消"]);
    expect(await h.outbox.deliveriesOfSource("callout:9", undefined, { statuses: ["cancelled"] })).toHaveLength(2);
  });
});
