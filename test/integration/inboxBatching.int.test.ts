import pino from "pino";
import { DataSource } from "typeorm";
import type { InboundEvent } from "../../src/channels/channel";
import { ManualClock } from "../../src/clock";
import { buildDataSourceOptions } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { Database } from "../../src/db/Database";
import { InboundEventRow } from "../../src/db/entities";
import { InboxService, type InboundHandler } from "../../src/domain/inbox";
import { eventOf } from "../../src/domain/inbox/inboxRows";
import { MemoryKv } from "../../src/kv/memoryKv";
import { backend, openTestStores, type TestStores } from "../support/backend";

/**
 * The callbacks that reach the inbox in the same turn of the event loop share one INSERT on
 * MySQL/MariaDB (and the dispatches that end together one UPDATE); SQLite writes row by row.
 * Whatever the path, each caller learns about its own event, and nothing is answered as stored
 * that is not. On the MariaDB backend the MySQL 8 path (no RETURNING) runs too, against the same
 * server through a data source that takes it for MySQL.
 */

const log = pino({ level: "silent" });
const flavours = backend() === "mysql" ? (["mariadb", "mysql"] as const) : (["sqlite"] as const);

function recordingHandler(): InboundHandler & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async handle(event) {
      calls.push(event.eventId);
    },
  };
}

let seq = 0;
const textEvent = (text = "隐患"): InboundEvent => ({ channel: "wecom", eventId: `1000002:${Date.now()}${seq++}`, senderId: "zhangsan", occurredAt: new Date("2026-01-05T00:00:00Z"), kind: "text", text });
// The same event as WeChat Work's retry brings it: equal content, a different object.
const retryOf = (event: InboundEvent): InboundEvent => ({ ...event });

describe.each(flavours)(`inbox batching (%s, ${backend()})`, (flavour) => {
  let stores: TestStores;
  let db: Database;
  let clock: ManualClock;
  // An in-memory kv answers within the same turn, so every accept of a turn reaches the same batch;
  // the kv's own part in de-duplication is tested in inbox.int.test.ts.
  let kv: MemoryKv;
  const inboxWith = (handler: InboundHandler) => new InboxService({ db, kv, clock, log, handler });
  const rowOf = (e: InboundEvent) => db.manager.findOneBy(InboundEventRow, { channel: e.channel, eventKey: e.eventId });
  const count = () => db.manager.count(InboundEventRow);

  beforeAll(async () => {
    stores = await openTestStores();
    db = stores.db;
    if (flavour === "mysql") {
      const options = buildDataSourceOptions(stores.config, entities, "mysql");
      db = new Database(await new DataSource(options).initialize());
    }
  });
  afterAll(async () => {
    if (db !== stores.db) await db.close();
    await stores.close();
  });
  beforeEach(async () => {
    await db.manager.clear(InboundEventRow);
    kv = new MemoryKv();
    clock = new ManualClock("2026-01-05T08:00:00Z");
  });
  afterEach(() => kv.close());

  it("stores and dispatches once every event accepted in the same turn, with one INSERT and one UPDATE on MySQL/MariaDB", async () => {
    const handler = recordingHandler();
    // All 30 turns at once (the default runs 8 at a time): their done-updates end together and
    // share one statement even while `drain` hurries the lazy batch.
    const inbox = new InboxService({ db, kv, clock, log, handler, maxDispatching: 30 });
    const events = Array.from({ length: 30 }, () => textEvent());
    const writes = jest.spyOn(db, "write");
    try {
      expect(await Promise.all(events.map((e) => inbox.accept(e)))).toEqual(events.map(() => "new"));
      expect(writes).toHaveBeenCalledTimes(flavour === "sqlite" ? 30 : 1);
      for (const e of events) inbox.dispatchSoon(e);
      for (const e of events) inbox.dispatchSoon(e); // a second call runs nothing
      await inbox.drain();
      expect(writes).toHaveBeenCalledTimes(flavour === "sqlite" ? 60 : 2);
    } finally {
      writes.mockRestore();
    }
    expect([...handler.calls].sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(await count()).toBe(30);
    const rows = await db.manager.find(InboundEventRow);
    expect(rows.every((r) => r.status === "done" && r.attempts === 1 && r.nextAttemptAt === null)).toBe(true);
    expect(rows.map((r) => r.processedAt)).toEqual(rows.map(() => clock.now()));
    // Each row carries its own event.
    for (const e of events) expect(eventOf((await rowOf(e)) as InboundEventRow)).toEqual(e);
  });

  it("answers a retry of a stored event and a second copy within the batch as duplicates, and dispatches neither", async () => {
    const handler = recordingHandler();
    const inbox = inboxWith(handler);
    const stored = textEvent();
    expect(await inbox.accept(stored)).toBe("new");
    inbox.dispatchSoon(stored);
    await inbox.drain();
    await kv.close(); // the kv has forgotten: the unique key decides
    kv = new MemoryKv();
    const fresh = textEvent();
    const other = textEvent();
    const batch = [retryOf(stored), fresh, retryOf(fresh), other, retryOf(other), retryOf(stored)];
    const again = inboxWith(handler);
    expect(await Promise.all(batch.map((e) => again.accept(e)))).toEqual(["duplicate", "new", "duplicate", "new", "duplicate", "duplicate"]);
    for (const e of batch) again.dispatchSoon(e);
    await again.drain();
    expect([...handler.calls].sort()).toEqual([stored.eventId, fresh.eventId, other.eventId].sort());
    expect(await count()).toBe(3);
    for (const e of [stored, fresh, other]) expect(await rowOf(e)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("leaves alone a row another attempt took over while its handler ran, and marks the others of the batch done", async () => {
    const events = [textEvent(), textEvent(), textEvent()];
    const [takenOver] = events as [InboundEvent, ...InboundEvent[]];
    const handled: string[] = [];
    const inbox = inboxWith({
      async handle(event) {
        handled.push(event.eventId);
        // Meanwhile another instance's redrive claimed attempt 2 of this row.
        if (event === takenOver) await db.manager.update(InboundEventRow, { eventKey: event.eventId }, { attempts: 2, nextAttemptAt: new Date(clock.now().getTime() + 60_000) });
      },
    });
    const warn = jest.spyOn(log, "warn");
    try {
      await Promise.all(events.map((e) => inbox.accept(e)));
      for (const e of events) inbox.dispatchSoon(e);
      await inbox.drain();
      // Only the row taken over is reported as finished too late.
      expect(warn.mock.calls.filter(([, msg]) => msg === "inbound event finished after its lease ran out").map(([fields]) => (fields as { eventKey: string }).eventKey)).toEqual([takenOver.eventId]);
    } finally {
      warn.mockRestore();
    }
    expect(handled).toHaveLength(3);
    expect(await rowOf(takenOver)).toMatchObject({ status: "processing", attempts: 2 });
    for (const e of events.slice(1)) expect(await rowOf(e)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("fails every caller of a batch the database refuses: none is answered as stored, and the retries are stored", async () => {
    const handler = recordingHandler();
    const inbox = inboxWith(handler);
    const events = Array.from({ length: 5 }, () => textEvent());
    await db.manager.query("ALTER TABLE inbound_events RENAME TO inbound_events_away");
    let outcomes: PromiseSettledResult<unknown>[];
    try {
      outcomes = await Promise.allSettled(events.map((e) => inbox.accept(e)));
    } finally {
      await db.manager.query("ALTER TABLE inbound_events_away RENAME TO inbound_events");
    }
    expect(outcomes.map((o) => o.status)).toEqual(events.map(() => "rejected"));
    for (const e of events) inbox.dispatchSoon(e); // nothing was stored: nothing to run
    await inbox.drain();
    expect(handler.calls).toEqual([]);
    expect(await count()).toBe(0);
    // WeChat Work retries what was not answered 200; nothing marked them seen in the meantime.
    expect(await Promise.all(events.map((e) => inbox.accept(retryOf(e))))).toEqual(events.map(() => "new"));
    expect(await count()).toBe(5);
  });

  it("stores an event too long for a batch on its own, so it cannot be cut short or take the others down", async () => {
    const inbox = inboxWith(recordingHandler());
    const long = textEvent("隐".repeat(30_000)); // ≈ 90 kB of UTF-8: more than a TEXT column holds
    const others = [textEvent(), textEvent()];
    const outcomes = await Promise.allSettled([long, ...others].map((e) => inbox.accept(e)));
    expect(outcomes.slice(1)).toEqual(others.map(() => ({ status: "fulfilled", value: "new" })));
    if (flavour === "sqlite") {
      // SQLite's TEXT has no such limit: stored whole.
      expect(outcomes[0]).toEqual({ status: "fulfilled", value: "new" });
      expect(eventOf((await rowOf(long)) as InboundEventRow)).toEqual(long);
    } else {
      // Refused (503 to WeChat Work), never stored truncated.
      expect(outcomes[0]?.status).toBe("rejected");
      expect(await rowOf(long)).toBeNull();
    }
    for (const e of others) expect(eventOf((await rowOf(e)) as InboundEventRow)).toEqual(e);
  });

  it("drains on shutdown: accepts under way are stored before it returns, and so are the ends of their dispatches", async () => {
    const handler = recordingHandler();
    const inbox = inboxWith(handler);
    const events = Array.from({ length: 10 }, () => textEvent());
    const answered: string[] = [];
    const accepts = events.map((e) => inbox.accept(e).then((outcome) => answered.push(outcome)));
    await inbox.drain();
    expect(answered).toEqual(events.map(() => "new"));
    await Promise.all(accepts);
    expect(await count()).toBe(10);
    for (const e of events) inbox.dispatchSoon(e);
    await inbox.drain();
    expect(handler.calls).toHaveLength(10);
    const rows = await db.manager.find(InboundEventRow);
    expect(rows.map((r) => r.status)).toEqual(events.map(() => "done"));
  });
});

describe(`the kv's batch calls the inbox uses (${backend()})`, () => {
  let stores: TestStores;
  beforeAll(async () => {
    stores = await openTestStores();
  });
  afterAll(() => stores.close());

  it("reads and sets many marks at once, each only if absent", async () => {
    const { kv } = stores;
    await kv.set("dedupe:wecom:a", "1", 60_000);
    expect(await kv.getMany([])).toEqual([]);
    expect(await kv.getMany(["dedupe:wecom:a", "dedupe:wecom:b"])).toEqual(["1", null]);
    expect(await kv.setManyIfAbsent(["dedupe:wecom:a", "dedupe:wecom:b", "dedupe:wecom:c"], "2", 60_000)).toEqual([false, true, true]);
    expect(await kv.getMany(["dedupe:wecom:a", "dedupe:wecom:b", "dedupe:wecom:c"])).toEqual(["1", "2", "2"]);
    expect(await kv.setManyIfAbsent([], "2", 60_000)).toEqual([]);
  });

  it("forgets marks set together after their time to live", async () => {
    const { kv } = stores;
    expect(await kv.setManyIfAbsent(["dedupe:wecom:ttl1", "dedupe:wecom:ttl2"], "1", 150)).toEqual([true, true]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await kv.getMany(["dedupe:wecom:ttl1", "dedupe:wecom:ttl2"])).toEqual([null, null]);
  });
});
