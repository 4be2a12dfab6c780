import type { EntityManager } from "typeorm";
import type { ChannelId, ChannelSender } from "../../src/channels/channel";
import { Database } from "../../src/db/Database";
import { openDataSource } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { OutboxDelivery, OutboxMessage } from "../../src/db/entities";
import { openKv } from "../../src/kv";
import { backend } from "../support/backend";
import { openOutboxHarness, type OutboxHarness, text } from "../support/outboxHarness";
import { RecordingSender } from "../support/recordingSender";

// Several workers on one outbox: MariaDB shares it row by row, SQLite allows a single worker.
describe(`outbox: concurrent workers (${backend()})`, () => {
  let h: OutboxHarness;
  beforeEach(async () => {
    h = await openOutboxHarness({ OUTBOX_BATCH: "5" });
  });
  afterEach(() => h.close());

  async function enqueueMany(n: number): Promise<void> {
    for (let i = 0; i < n; i += 50) {
      await h.stores.db.transaction(async (tx) => {
        for (let j = i; j < Math.min(n, i + 50); j++) {
          const recipients = [`p${j}`, `q${j}`].map((userId) => ({ channel: "wecom" as const, userId }));
          await h.outbox.enqueue(tx, { idempotencyKey: `many:${j}`, lane: j % 3 === 0 ? "callout" : "reply", message: text(`${j}`), recipients });
        }
      });
    }
  }

  if (backend() === "mysql") {
    it("two instances draining the same table send every delivery exactly once", async () => {
      await enqueueMany(300);
      // A second instance: its own connection pool and Redis connection, the same database.
      const db2 = new Database(await openDataSource(h.stores.config, { migrate: false, entities }));
      const kv2 = await openKv(h.stores.config);
      const one = new RecordingSender("wecom", 1000, 2);
      const two = new RecordingSender("wecom", 1000, 2);
      const a = h.worker({}, { senders: new Map<ChannelId, ChannelSender>([["wecom", one]]) });
      const b = h.worker({}, { senders: new Map<ChannelId, ChannelSender>([["wecom", two]]), kv: kv2, db: db2 });
      try {
        const [ra, rb] = await Promise.all([a.drainOnce(h.clock.now()), b.drainOnce(h.clock.now())]);
        const copies = new Map<string, number>();
        for (const d of [...one.delivered, ...two.delivered]) copies.set(d.recipient, (copies.get(d.recipient) ?? 0) + 1);
        expect(copies.size).toBe(600);
        expect([...copies.values()].every((n) => n === 1)).toBe(true);
        expect(ra.sent + rb.sent).toBe(600);
        // Both did real work: the rows were shared, not taken by one while the other waited.
        expect(one.calls.length).toBeGreaterThan(20);
        expect(two.calls.length).toBeGreaterThan(20);
        expect(await h.stores.db.manager.countBy(OutboxDelivery, { status: "sent" })).toBe(600);
      } finally {
        await b.stop();
        await kv2.close();
        await db2.close();
      }
    });
  } else {
    it("a second worker on the same SQLite outbox stays idle while the first owns it", async () => {
      await enqueueMany(30);
      const one = new RecordingSender();
      const two = new RecordingSender();
      const a = h.worker({}, { senders: new Map<ChannelId, ChannelSender>([["wecom", one]]) });
      const b = h.worker({}, { senders: new Map<ChannelId, ChannelSender>([["wecom", two]]) });
      const [ra, rb] = await Promise.all([a.drainOnce(h.clock.now()), b.drainOnce(h.clock.now())]);
      expect(ra.skipped).toBeUndefined();
      expect(rb).toMatchObject({ skipped: "another_worker", calls: 0 });
      expect(two.calls).toHaveLength(0);
      expect(one.delivered).toHaveLength(60);
      // Once the first stops, the second may take over.
      await a.stop();
      await h.enqueue({ idempotencyKey: "after", lane: "reply", message: text("x"), recipients: ["late"] });
      expect((await b.drainOnce(h.clock.now())).sent).toBe(1);
      expect(two.copiesFor("late")).toBe(1);
    });
  }

  it("two transactions enqueueing the same key at once leave one message", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const request = { idempotencyKey: "race", lane: "callout" as const, message: text("叫应"), recipients: [{ channel: "wecom" as const, userId: "u" }] };
    // Connections of their own on MariaDB; on SQLite's one connection the second waits its turn.
    const { db } = h.stores;
    const transaction = <T>(work: (tx: EntityManager) => Promise<T>) => (backend() === "mysql" ? db.dataSource.transaction(work) : db.transaction(work));
    const run = (hold: boolean) =>
      transaction(async (tx) => {
        const result = await h.outbox.enqueue(tx, request);
        if (hold) await gate;
        return result;
      });
    const first = run(true);
    await new Promise((r) => setTimeout(r, 100));
    const second = run(false);
    await new Promise((r) => setTimeout(r, 100));
    release();
    const results = await Promise.all([first, second]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(results[0].message.id).toBe(results[1].message.id);
    expect(await h.stores.db.manager.count(OutboxMessage)).toBe(1);
    expect(await h.stores.db.manager.count(OutboxDelivery)).toBe(1);
  });
});
