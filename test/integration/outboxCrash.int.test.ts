import { setTimeout as sleep } from "node:timers/promises";
import { MemoryKv } from "../../src/kv/memoryKv";
import { backend } from "../support/backend";
import { openOutboxHarness, type OutboxHarness, text } from "../support/outboxHarness";

// Nothing is lost and nothing is sent twice when a send dies half way.
describe("outbox: crashes and shutdown", () => {
  let h: OutboxHarness;
  beforeEach(async () => {
    h = await openOutboxHarness();
  });
  afterEach(() => h.close());

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 500 && !check(); i++) await sleep(10);
    expect(check()).toBe(true);
  }

  it("takes over a send whose worker died after the platform accepted it, and the platform suppresses the resend", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "crash", lane: "callout", message: text("叫应：请确认"), recipients: ["u1", "u2"] });
    h.sender.hangNext();
    const dying = h.worker({ leaseMs: 60_000 });
    const lost = dying.drainOnce(h.clock.now());
    await until(() => h.sender.calls.length === 1);
    expect((await h.outbox.deliveriesOfMessage(message.id)).map((d) => d.status)).toEqual(["sending", "sending"]);

    // A new process: on SQLite its memory kv starts empty, as the dead one's went with it.
    const kv = backend() === "embedded" ? new MemoryKv("as:second:") : undefined;
    const heir = h.worker({ leaseMs: 60_000 }, { kv });
    await heir.drainOnce(h.clock.now());
    expect(h.sender.calls).toHaveLength(1); // the lease still holds
    h.clock.advance(60_000);
    const report = await heir.drainOnce(h.clock.now());
    expect(report.recovered).toBe(2);
    expect(h.sender.calls.map((c) => [c.resend, c.outcome])).toEqual([
      [false, "accepted"],
      [true, "duplicate"],
    ]);
    expect(h.sender.copiesFor("u1")).toBe(1);
    expect(h.sender.copiesFor("u2")).toBe(1);
    const after = await h.outbox.deliveriesOfMessage(message.id);
    expect(after.map((d) => [d.status, d.attempts, d.platformMessageId])).toEqual([
      ["sent", 2, "msg-1"],
      ["sent", 2, "msg-1"],
    ]);

    // The first worker's late answer must not overwrite what its heir recorded.
    h.sender.releaseHung();
    await lost;
    expect(await h.outbox.deliveriesOfMessage(message.id)).toEqual(after);
    expect(h.logs.some((l) => l.msg === "outbox lease lost before the result was recorded")).toBe(true);
    await kv?.close();
  });

  it("resends with the duplicate check when the answer was lost, and the person gets one copy", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "lost-answer", lane: "reply", message: text("回复"), recipients: ["u1"] });
    h.sender.crashNext();
    const worker = h.worker();
    await worker.drainOnce(h.clock.now());
    let [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, errorCode: "error" });
    h.clock.advance(10_000);
    await worker.drainOnce(h.clock.now());
    [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "sent", attempts: 2 });
    expect(h.sender.calls.map((c) => [c.resend, c.outcome])).toEqual([
      [false, "accepted"],
      [true, "duplicate"],
    ]);
    expect(h.sender.copiesFor("u1")).toBe(1);
  });

  it("would deliver twice without the resend flag: the flag is what prevents it", async () => {
    await h.sender.send(["u1"], text("x"));
    await h.sender.send(["u1"], text("x"));
    await h.sender.send(["u1"], text("x"), { resend: true });
    expect(h.sender.copiesFor("u1")).toBe(2);
  });

  it("treats a send that does not answer in time as unknown and resends it flagged", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "slow", lane: "callout", message: text("叫应"), recipients: ["u1"] });
    h.sender.hangNext();
    const worker = h.worker({ sendTimeoutMs: 50 });
    await worker.drainOnce(h.clock.now());
    const [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, errorCode: "timeout" });
    h.clock.advance(10_000);
    await worker.drainOnce(h.clock.now());
    expect(h.sender.calls.map((c) => [c.resend, c.outcome])).toEqual([
      [false, "accepted"],
      [true, "duplicate"],
    ]);
    expect(h.sender.copiesFor("u1")).toBe(1);
    h.sender.releaseHung();
  });

  it("fails a delivery that keeps dying mid-send once its attempts are used up", async () => {
    const { message } = await h.enqueue({ idempotencyKey: "poison", lane: "callout", message: text("x"), recipients: ["u1"] });
    const max = h.stores.config.outbox.maxAttempts;
    const kvs: MemoryKv[] = [];
    for (let i = 0; i < max; i++) {
      h.sender.stallNext();
      const kv = backend() === "embedded" ? new MemoryKv(`as:dead${i}:`) : undefined;
      if (kv) kvs.push(kv);
      void h.worker({ leaseMs: 30_000, sendTimeoutMs: 20_000 }, { kv }).drainOnce(h.clock.now());
      await until(() => h.sender.calls.length === i + 1);
      h.clock.advance(30_000);
    }
    const kv = backend() === "embedded" ? new MemoryKv("as:last:") : undefined;
    await h.worker({}, { kv }).drainOnce(h.clock.now());
    const [d] = await h.outbox.deliveriesOfMessage(message.id);
    expect(d).toMatchObject({ status: "failed", errorCode: "interrupted", attempts: max });
    expect(h.sender.calls).toHaveLength(max);
    await Promise.all([kv, ...kvs].map((k) => k?.close()));
  });

  it("stop() waits for the send in flight and returns the rest of the claim to the queue", async () => {
    // Three replies to one person: they go one after another, so two are still waiting when stop() comes.
    for (let i = 1; i <= 3; i++) await h.enqueue({ idempotencyKey: `s:${i}`, lane: "reply", message: text(`${i}`), recipients: ["u1"] });
    h.sender.hangNext();
    const worker = h.worker();
    worker.start();
    await until(() => h.sender.calls.length === 1);
    const stopped = worker.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await sleep(50);
    expect(done).toBe(false);
    h.sender.releaseHung();
    await stopped;
    const statuses = await Promise.all([1, 2, 3].map(async (i) => (await h.outbox.deliveriesOfMessage((await h.outbox.messageByKey(`s:${i}`))!.id))[0]));
    expect(statuses.map((d) => [d.status, d.attempts])).toEqual([
      ["sent", 1],
      ["pending", 0],
      ["pending", 0],
    ]);
    expect(h.sender.calls).toHaveLength(1);
  });
});
