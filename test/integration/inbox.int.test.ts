import pino from "pino";
import type { InboundEvent } from "../../src/channels/channel";
import { ManualClock } from "../../src/clock";
import { InboundEventRow } from "../../src/db/entities";
import { InboxService, type InboundHandler } from "../../src/domain/inbox";
import * as inboxBatches from "../../src/domain/inbox/inboxBatches";
import * as inboxRows from "../../src/domain/inbox/inboxRows";
import { insertPending } from "../../src/domain/inbox/inboxRows";
import type { KeyValue } from "../../src/kv";
import { inboxRedrive } from "../../jobs/inboxRedrive.job";
import { kvJobLocks } from "../../jobs/jobLocks";
import { runJob } from "../../jobs/runJob";
import { backend, openTestStores, type TestStores } from "../support/backend";

const log = pino({ level: "silent" });
const MINUTE = 60_000;

/** The test's kv: the real store, which can be switched off to simulate an outage. */
function switchableKv(inner: KeyValue): KeyValue & { down: boolean } {
  const kv = Object.create(inner) as KeyValue & { down: boolean };
  kv.down = false;
  const guard = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A) => (kv.down ? Promise.reject(new Error("ECONNREFUSED")) : fn.apply(inner, args));
  kv.get = guard(inner.get);
  kv.setIfAbsent = guard(inner.setIfAbsent);
  kv.getMany = guard(inner.getMany);
  kv.setManyIfAbsent = guard(inner.setManyIfAbsent);
  return kv;
}

/** A handler that fails the first `failures` times it sees an event, and records every call. */
function scriptedHandler(failures = 0): InboundHandler & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async handle(event) {
      calls.push(event.eventId);
      if (calls.filter((id) => id === event.eventId).length <= failures) throw new Error("bot engine busy");
    },
  };
}

let seq = 0;
const textEvent = (): InboundEvent => ({ channel: "wecom", eventId: `1000002:${Date.now()}${seq++}`, senderId: "zhangsan", occurredAt: new Date("2026-01-05T00:00:00Z"), kind: "text", text: "隐患" });

describe(`inbox (${backend()})`, () => {
  let stores: TestStores;
  let kv: KeyValue & { down: boolean };
  let clock: ManualClock;
  const inboxWith = (handler: InboundHandler, maxAttempts?: number) => new InboxService({ db: stores.db, kv, clock, log, handler, maxAttempts });
  const row = (e: InboundEvent) => stores.db.manager.findOneByOrFail(InboundEventRow, { channel: e.channel, eventKey: e.eventId });

  beforeAll(async () => {
    stores = await openTestStores();
    kv = switchableKv(stores.kv);
  });
  afterAll(() => stores.close());
  // The database is this file's own; each test starts from an empty inbox so redrive counts are exact.
  beforeEach(async () => {
    await stores.db.manager.clear(InboundEventRow);
    kv.down = false;
    clock = new ManualClock("2026-01-05T08:00:00Z");
  });

  it("runs a burst's turns a few at a time, in arrival order, and every one of them", async () => {
    // Unbounded, 30 turns would each take a pooled connection and the next callbacks' inserts
    // would queue behind them; bounded, at most 3 run and the rest wait their turn.
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const handler: InboundHandler = {
      async handle(event) {
        running += 1;
        most = Math.max(most, running);
        order.push(event.eventId);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
      },
    };
    const inbox = new InboxService({ db: stores.db, kv, clock, log, handler, maxDispatching: 3 });
    const events = Array.from({ length: 30 }, textEvent);
    for (const e of events) expect(await inbox.accept(e)).toBe("new");
    for (const e of events) inbox.dispatchSoon(e);
    await inbox.drain();
    expect(order).toEqual(events.map((e) => e.eventId));
    expect(most).toBe(3);
    expect(await stores.db.manager.countBy(InboundEventRow, { status: "done" })).toBe(30);
  });

  it("gives a turn's place to the next one as soon as the turn ends, not once its row is marked done", async () => {
    // On MariaDB the done-updates wait up to 50 ms to share one statement; a place held meanwhile
    // left the next turn idle for that long, which capped an instance at ≈ 8 turns per 70 ms. Here
    // marking done hangs until the second turn has run: with the place held, it never would.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (async (...args: A) => (await held, fn(...args))) as (...args: A) => Promise<R>;
    const [realMany, realOne] = [inboxBatches.finishDoneMany, inboxRows.finish];
    const many = jest.spyOn(inboxBatches, "finishDoneMany").mockImplementation(hold(realMany));
    const one = jest.spyOn(inboxRows, "finish").mockImplementation(hold(realOne));
    try {
      const events = [textEvent(), textEvent()];
      const ran: string[] = [];
      const handler: InboundHandler = {
        async handle(event) {
          ran.push(event.eventId);
        },
      };
      const inbox = new InboxService({ db: stores.db, kv, clock, log, handler, maxDispatching: 1 });
      for (const e of events) expect(await inbox.accept(e)).toBe("new");
      for (const e of events) inbox.dispatchSoon(e);
      for (let i = 0; i < 3000 && ran.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(ran).toEqual(events.map((e) => e.eventId));
      expect(await stores.db.manager.countBy(InboundEventRow, { status: "done" })).toBe(0);
      release();
      await inbox.drain();
      expect(await stores.db.manager.countBy(InboundEventRow, { status: "done" })).toBe(2);
    } finally {
      release();
      many.mockRestore();
      one.mockRestore();
    }
  });

  it("stores an event once: the kv catches retries, and the database does when the kv is down or has forgotten", async () => {
    const inbox = inboxWith(scriptedHandler());
    const event = textEvent();
    expect(await inbox.accept(event)).toBe("new");
    await inbox.drain(); // the kv mark is written after the answer, a batch at a time
    const writes = jest.spyOn(stores.db, "write");
    try {
      expect(await inbox.accept(event)).toBe("duplicate");
      if (backend() === "embedded") expect(writes).not.toHaveBeenCalled(); // the kv caught it
      // On MariaDB the batch's INSERT IGNORE … RETURNING is the check: the kv is neither read nor marked.
      else expect([writes.mock.calls.length, await stores.kv.get(`dedupe:wecom:${event.eventId}`)]).toEqual([1, null]);
    } finally {
      writes.mockRestore();
    }
    kv.down = true;
    expect(await inbox.accept(event)).toBe("duplicate");
    kv.down = false;
    await stores.kv.del(`dedupe:wecom:${event.eventId}`);
    expect(await inbox.accept(event)).toBe("duplicate");
    // Stored already claimed for the dispatch after the answer: attempt 1, leased for a minute.
    expect(await row(event)).toMatchObject({ status: "processing", attempts: 1, kind: "text", senderId: "zhangsan", nextAttemptAt: new Date(clock.now().getTime() + MINUTE) });
    expect(await stores.db.manager.countBy(InboundEventRow, { eventKey: event.eventId })).toBe(1);
  });

  it("stores new events while the kv is down", async () => {
    kv.down = true;
    expect(await inboxWith(scriptedHandler()).accept(textEvent())).toBe("new");
  });

  it("dispatches after acceptance and marks the row done", async () => {
    const handler = scriptedHandler();
    const inbox = inboxWith(handler);
    const event = textEvent();
    await inbox.accept(event);
    inbox.dispatchSoon(event);
    await inbox.drain();
    expect(handler.calls).toEqual([event.eventId]);
    expect(await row(event)).toMatchObject({ status: "done", attempts: 1, nextAttemptAt: null, lastError: null, processedAt: clock.now() });
  });

  it("dispatches without a claim statement: the insert was the claim, so one write to store and one to finish", async () => {
    const handler = scriptedHandler();
    const inbox = inboxWith(handler);
    const event = textEvent();
    const writes = jest.spyOn(stores.db, "write");
    try {
      await inbox.accept(event);
      expect(writes).toHaveBeenCalledTimes(1);
      inbox.dispatchSoon(event);
      inbox.dispatchSoon(event); // a second call for the same event runs nothing
      await inbox.drain();
      expect(writes).toHaveBeenCalledTimes(2);
    } finally {
      writes.mockRestore();
    }
    expect(handler.calls).toEqual([event.eventId]);
    expect(await row(event)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("leaves an event a crash caught between accept and dispatch to the redrive, which runs it once its lease has passed", async () => {
    const handler = scriptedHandler();
    const event = textEvent();
    await inboxWith(handler).accept(event); // …and the process dies before dispatching it
    expect(await row(event)).toMatchObject({ status: "processing", attempts: 1 });
    const restarted = inboxWith(handler);
    restarted.dispatchSoon(event); // not stored by this instance: not its to run
    await restarted.drain();
    clock.advance(MINUTE - 1);
    expect(await restarted.redrivePending(clock.now())).toMatchObject({ due: 0 });
    expect(handler.calls).toEqual([]);
    clock.advance(1);
    expect(await restarted.redrivePending(clock.now())).toEqual({ due: 1, done: 1, failed: 0, gaveUp: 0, errors: 0 });
    expect(await restarted.redrivePending(clock.now())).toMatchObject({ due: 0 });
    expect(handler.calls).toEqual([event.eventId]);
    expect(await row(event)).toMatchObject({ status: "done", attempts: 2, nextAttemptAt: null });
  });

  it("backs off after a failure and the redrive retries once it is due", async () => {
    const handler = scriptedHandler(1);
    const inbox = inboxWith(handler);
    const event = textEvent();
    await inbox.accept(event);
    inbox.dispatchSoon(event);
    await inbox.drain();
    expect(await row(event)).toMatchObject({ status: "failed", attempts: 1, lastError: "bot engine busy", nextAttemptAt: new Date(clock.now().getTime() + MINUTE) });
    clock.advance(MINUTE - 1000);
    expect(await inbox.redrivePending(clock.now())).toEqual({ due: 0, done: 0, failed: 0, gaveUp: 0, errors: 0 });
    clock.advance(1000);
    expect(await inbox.redrivePending(clock.now())).toEqual({ due: 1, done: 1, failed: 0, gaveUp: 0, errors: 0 });
    expect(await row(event)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("redrives events a crash left pending (stored before the pre-claimed insert) or processing for over a minute", async () => {
    const handler = scriptedHandler();
    const inbox = inboxWith(handler);
    const neverDispatched = textEvent();
    const crashedMidRun = textEvent();
    await insertPending(stores.db, neverDispatched, clock.now(), new Date(clock.now().getTime() + MINUTE));
    await inbox.accept(crashedMidRun); // stored processing, attempt 1, leased for a minute; never dispatched
    clock.advance(30_000);
    expect((await inbox.redrivePending(clock.now())).due).toBe(0);
    clock.advance(31_000);
    expect(await inbox.redrivePending(clock.now())).toMatchObject({ due: 2, done: 2 });
    expect(await row(neverDispatched)).toMatchObject({ status: "done", attempts: 1 });
    expect(await row(crashedMidRun)).toMatchObject({ status: "done", attempts: 2 });
    expect(handler.calls.sort()).toEqual([neverDispatched.eventId, crashedMidRun.eventId].sort());
  });

  it("gives up after the last attempt", async () => {
    const inbox = inboxWith(scriptedHandler(99), 2);
    const event = textEvent();
    await inbox.accept(event);
    inbox.dispatchSoon(event);
    await inbox.drain();
    clock.advance(MINUTE);
    expect(await inbox.redrivePending(clock.now())).toMatchObject({ due: 1, failed: 1 });
    expect(await row(event)).toMatchObject({ status: "failed", attempts: 2, nextAttemptAt: null });
    const stuck = textEvent();
    await inbox.accept(stuck);
    await stores.db.manager.update(InboundEventRow, { eventKey: stuck.eventId }, { status: "processing", attempts: 2, nextAttemptAt: clock.now() });
    expect(await inbox.redrivePending(clock.now())).toMatchObject({ due: 1, gaveUp: 1 });
    expect(await row(stuck)).toMatchObject({ status: "failed", nextAttemptAt: null, lastError: expect.stringContaining("不再重试") });
    const unreadable = textEvent();
    await inbox.accept(unreadable);
    await stores.db.manager.update(InboundEventRow, { eventKey: unreadable.eventId }, { payload: "{broken", nextAttemptAt: clock.now() });
    expect(await inbox.redrivePending(clock.now())).toMatchObject({ due: 1, gaveUp: 1, errors: 0 });
    expect(await row(unreadable)).toMatchObject({ status: "failed", nextAttemptAt: null });
  });

  it("runs an event once when the dispatch and a redrive race for it", async () => {
    const handler = scriptedHandler();
    const inbox = inboxWith(handler);
    // Within the lease the dispatch owns attempt 1: the redrive does not see the row as due.
    const inLease = textEvent();
    await inbox.accept(inLease);
    clock.advance(MINUTE - 1);
    inbox.dispatchSoon(inLease);
    await Promise.all([inbox.redrivePending(clock.now()), inbox.redrivePending(clock.now()), inbox.drain()]);
    expect(handler.calls).toEqual([inLease.eventId]);
    // Once the lease has passed the row is the redrive's: the late dispatch runs nothing, and of
    // two redrives only one wins the compare-and-set.
    const late = textEvent();
    await inbox.accept(late);
    clock.advance(MINUTE);
    inbox.dispatchSoon(late);
    await Promise.all([inbox.redrivePending(clock.now()), inbox.redrivePending(clock.now()), inbox.drain()]);
    await inbox.drain();
    expect(handler.calls.filter((id) => id === late.eventId)).toHaveLength(1);
    expect(await row(late)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("runs as the every-minute inboxRedrive job", async () => {
    const inbox = inboxWith(scriptedHandler());
    const event = textEvent();
    await inbox.accept(event);
    clock.advance(2 * MINUTE);
    expect(inboxRedrive(inbox).cron).toBe("* * * * *");
    const outcome = await runJob(inboxRedrive(inbox), { clock, log }, { locks: kvJobLocks(stores.kv), owner: "test" });
    expect(outcome).toMatchObject({ status: "ok", result: { done: 1 } });
    expect(await row(event)).toMatchObject({ status: "done" });
  });
});
