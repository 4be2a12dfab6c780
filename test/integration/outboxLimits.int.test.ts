import { openOutboxHarness, type OutboxHarness, text } from "../support/outboxHarness";

// Rate limits are honoured before sending, and routine traffic waits out quiet hours.
describe("outbox: rate limits and quiet hours", () => {
  let h: OutboxHarness;
  beforeEach(async () => {
    h = await openOutboxHarness();
  });
  afterEach(() => h.close());

  it("holds the 31st message to one person in a minute until the next minute", async () => {
    h.clock.set("2026-01-05T02:00:10Z");
    for (let i = 1; i <= 31; i++) await h.enqueue({ idempotencyKey: `nudge:${i}`, lane: "callout", message: text(`第 ${i} 条`), recipients: ["busy", `other${i}`] });
    const worker = h.worker();
    const report = await worker.drainOnce(h.clock.now());
    expect(h.sender.copiesFor("busy")).toBe(30);
    expect(report.deferred).toBe(1);
    // The others are under their own limits: the 31st call still goes, without `busy`.
    expect(h.sender.copiesFor("other31")).toBe(1);
    const last = await h.outbox.messageByKey("nudge:31");
    const [busy] = (await h.outbox.deliveriesOfMessage(last!.id)).filter((d) => d.recipient === "busy");
    expect(busy).toMatchObject({ status: "pending", attempts: 0, nextAttemptAt: new Date("2026-01-05T02:01:00Z") });

    h.clock.set("2026-01-05T02:00:59.999Z");
    await worker.drainOnce(h.clock.now());
    expect(h.sender.copiesFor("busy")).toBe(30);
    h.clock.set("2026-01-05T02:01:00Z");
    await worker.drainOnce(h.clock.now());
    expect(h.sender.copiesFor("busy")).toBe(31);
    expect(h.sender.delivered.filter((d) => d.recipient === "busy").map((d) => d.message)).toContainEqual(text("第 31 条"));
  });

  it("holds a person over 1,000 messages an hour until the next hour", async () => {
    const worker = h.worker({ limits: { wecom: { perRecipientPerMinute: 10_000, perRecipientPerHour: 3 } } });
    for (let i = 1; i <= 4; i++) await h.enqueue({ idempotencyKey: `h:${i}`, lane: "reply", message: text(`${i}`), recipients: ["p"] });
    await worker.drainOnce(h.clock.now());
    expect(h.sender.copiesFor("p")).toBe(3);
    const fourth = await h.outbox.messageByKey("h:4");
    const [d] = await h.outbox.deliveriesOfMessage(fourth!.id);
    expect(d.nextAttemptAt).toEqual(new Date("2026-01-05T03:00:00Z"));
  });

  it("stops at the app's daily quota and resumes at midnight in Shanghai", async () => {
    const worker = h.worker({ limits: { wecom: { perAppPerDay: 5 } } });
    await h.enqueue({ idempotencyKey: "day", lane: "reply", message: text("日报"), recipients: ["a", "b", "c", "d", "e", "f", "g"] });
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls.map((c) => c.recipients)).toEqual([["a", "b", "c", "d", "e"]]);
    const msg = await h.outbox.messageByKey("day");
    const held = (await h.outbox.deliveriesOfMessage(msg!.id)).filter((d) => d.status === "pending");
    // 00:00 on 2026-01-06 in Shanghai is 16:00 UTC on the 5th.
    expect(held.map((d) => [d.recipient, d.nextAttemptAt.toISOString()])).toEqual([
      ["f", "2026-01-05T16:00:00.000Z"],
      ["g", "2026-01-05T16:00:00.000Z"],
    ]);
  });

  it("holds every call once the corp's per-minute API budget is spent", async () => {
    const worker = h.worker({ limits: { wecom: { perApiPerMinute: 2 } } });
    for (let i = 1; i <= 3; i++) await h.enqueue({ idempotencyKey: `api:${i}`, lane: "reply", message: text(`${i}`), recipients: [`u${i}`] });
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls).toHaveLength(2);
    h.clock.advance(60_000);
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls.map((c) => c.recipients[0])).toEqual(["u1", "u2", "u3"]);
  });

  it("defers routine messages during quiet hours but sends callouts at once", async () => {
    h.clock.set("2026-01-05T14:30:00Z"); // 22:30 in Shanghai
    const routine = await h.enqueue({ idempotencyKey: "digest", lane: "routine", message: text("日报"), recipients: ["r"] });
    await h.enqueue({ idempotencyKey: "alarm", lane: "callout", message: text("叫应"), recipients: ["c"] });
    await h.enqueue({ idempotencyKey: "answer", lane: "reply", message: text("收到"), recipients: ["p"] });
    const worker = h.worker();
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls.map((c) => c.recipients[0])).toEqual(["c", "p"]);
    const [d] = await h.outbox.deliveriesOfMessage(routine.message.id);
    // 08:00 next morning in Shanghai.
    expect(d).toMatchObject({ status: "pending", nextAttemptAt: new Date("2026-01-06T00:00:00Z") });

    h.clock.set("2026-01-05T23:59:59Z");
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls).toHaveLength(2);
    h.clock.set("2026-01-06T00:00:00Z");
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls.map((c) => c.recipients[0])).toEqual(["c", "p", "r"]);
  });

  it("does not send a routine retry that falls due inside quiet hours", async () => {
    h.clock.set("2026-01-05T12:59:55Z"); // 20:59:55 in Shanghai
    const { message } = await h.enqueue({ idempotencyKey: "late", lane: "routine", message: text("提醒"), recipients: ["r"] });
    h.sender.failNext(1, true);
    const worker = h.worker();
    await worker.drainOnce(h.clock.now());
    const [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: new Date("2026-01-06T00:00:00Z") });
  });
});
