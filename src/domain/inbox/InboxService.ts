import type { InboundEvent } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { InboundEventRow } from "../../db/entities";
import type { KeyValue } from "../../kv";
import type { Logger } from "../../log";
import type { InboundHandler } from "./InboundHandler";
import { isDuplicateKeyError, isMariaDb, isMysqlFamily } from "../../db/dialect";
import { Unavailable } from "../../errors";
import { Batcher } from "./batcher";
import { type DoneItem, finishDoneMany, fitsBatch, insertMany } from "./inboxBatches";
import { isSealed } from "./seal";
import { claim, claimedRow, dueRows, eventOf, finish, giveUp, insertRow, type NewRow, type RowState } from "./inboxRows";

/** Whether `accept` stored the event or had seen it before. */
export type AcceptOutcome = "new" | "duplicate";

/** What one redrive pass did, for the job's log line. */
export interface RedriveResult {
  due: number;
  done: number;
  failed: number;
  gaveUp: number;
  /** Rows that could not be attempted (database trouble); they stay due for the next pass. */
  errors: number;
}

export interface InboxOptions {
  db: Database;
  kv: KeyValue;
  clock: Clock;
  log: Logger;
  /** Runs each event once it is stored: the bot engine, eventually. */
  handler: InboundHandler;
  /** Attempts before an event is marked failed for good; 5 by default. */
  maxAttempts?: number;
  /**
   * On MySQL/MariaDB, share one INSERT among the events accepted in the same turn of the event
   * loop and one UPDATE among the dispatches that end together (true by default). SQLite always
   * writes row by row: its one connection gains nothing from it.
   */
  batching?: boolean;
  /** Accepts waiting on the database at once before further callbacks are refused; 1,000 by default. */
  maxAccepting?: number;
  /** How long a callback waits for its row on MySQL/MariaDB before the platform is told to retry; 4 s by default. */
  acceptTimeoutMs?: number;
  /** Dispatches (bot turns) running at once; the others wait their turn in arrival order. 8 by default. */
  maxDispatching?: number;
}

const DEDUPE_TTL_MS = 24 * 3600_000;
/**
 * A database that hangs (a stalled host, a network partition without resets) leaves every insert
 * waiting; a flood of callbacks meanwhile would pile up in memory without bound. Past this many
 * accepts in flight, callbacks are refused at once (503: the platform retries later).
 */
const MAX_ACCEPTING = 1_000;
/**
 * WeChat Work gives up on a callback after 5 s and retries it: answering 503 a little before is
 * the same for the platform, and frees the request. An insert that commits after all makes the
 * retry a duplicate, and its row is due for the redrive when its lease runs out — nothing is lost.
 */
const ACCEPT_TIMEOUT_MS = 4_000;
/** How long a stored row waits for its first dispatch, and a running one may take, before a redrive. */
const LEASE_MS = 60_000;
const REDRIVE_BATCH = 100;
/** A slow kv must not eat the platform's 5-second deadline; the database decides without it. */
const KV_TIMEOUT_MS = 300;
const MINUTE = 60_000;
/** Rows per batched statement, and the payload (UTF-16 units, ≤ 3 bytes each) one INSERT may carry. */
const BATCH_ROWS = 100;
const BATCH_PAYLOAD = 256 * 1024;
/**
 * What nobody waits for — a row marked done, a kv mark — gathers this long before it is written:
 * under load one statement then covers many dispatches. A done row is no one's concern until its
 * lease (a minute) has run out, and the kv mark only spares the database a duplicate it would catch.
 */
const LAZY_BATCH_MS = 50;
/**
 * Turns running at once. Each takes a pooled connection for its statements (the pool holds 10,
 * src/db/dataSource.ts); unbounded, a burst of callbacks starts a turn each, their queries queue
 * in the driver, and the next callbacks' inserts wait behind all of them — the platform's answer
 * then waits on turns it has nothing to do with. Bounded below the pool, an insert always finds a
 * connection soon. Waiting turns keep their order and their lease: one that waited past it is left
 * to the redrive, as before.
 */
const MAX_DISPATCHING = 8;

/**
 * The durable inbox every channel hands its verified events to. `accept` stores an event before
 * the platform is answered (so a crash after answering loses nothing); `dispatchSoon` runs the
 * handler after the answer; `redrivePending` picks up whatever a crash or a failure left behind.
 *
 * On MySQL/MariaDB the callbacks that arrive together are stored by one multi-row INSERT (one
 * commit for all of them instead of one each), and each caller still learns whether its own event
 * was new and still waits for that row to be committed before the platform is answered.
 */
export class InboxService {
  private readonly inFlight = new Set<Promise<void>>();
  /** Accepts under way, so `drain` can wait for the batches they are about to join. */
  private readonly accepting = new Set<Promise<AcceptOutcome>>();
  /** Inserts still waiting on the database, answered or not (a timed-out one may still commit). */
  private storing = 0;
  private readonly inserts: Batcher<NewRow, boolean> | undefined;
  private readonly finishes: Batcher<DoneItem, boolean> | undefined;
  /** The kv marks are read a turn's worth at a time, and written lazily in batches (`LAZY_BATCH_MS`). */
  private readonly seen: Batcher<string, boolean>;
  private readonly marks: Batcher<string, void>;
  /**
   * Whether the kv takes part in de-duplication at all. On MariaDB with batching it does not: the
   * batch's `INSERT IGNORE … RETURNING` decides each row's duplicate in the very statement that
   * stores the new ones, so a kv read before it saved no round trip and no commit, only the
   * database's cheap ignored row, and cost one round trip per batch of its own (≈ 4–5 µs of CPU
   * per callback). Nothing else reads the `dedupe:` marks, so they are not written there either.
   * SQLite (a failed INSERT per duplicate), MySQL 8 (a known key rolls back its whole batch) and
   * unbatched writes keep the kv as the first layer, the unique key behind it.
   */
  private readonly kvDedupe: boolean;
  /**
   * When the lease of each event `accept` stored runs out (ms). The insert claimed attempt 1, so
   * `dispatchSoon` owns it without a claim statement, but only until then: from that moment on the
   * row is due and a redrive may take it. Keyed by the event object, so nothing outlives it.
   */
  private readonly leases = new WeakMap<InboundEvent, number>();
  private readonly maxAttempts: number;
  private readonly mysql: boolean;
  /** Dispatches waiting for one of the `maxDispatching` places, oldest first. */
  private readonly waiting: (() => void)[] = [];
  private dispatching = 0;

  constructor(private readonly o: InboxOptions) {
    this.maxAttempts = o.maxAttempts ?? 5;
    this.mysql = isMysqlFamily(o.db.manager);
    this.seen = new Batcher({ run: (keys) => this.kvSeen(keys), maxItems: BATCH_ROWS });
    this.marks = new Batcher({ run: (keys) => this.kvMark(keys), maxItems: BATCH_ROWS, delayMs: LAZY_BATCH_MS });
    if ((o.batching ?? true) && this.mysql) {
      this.inserts = new Batcher({ run: (rows) => insertMany(o.db, rows), maxItems: BATCH_ROWS, weigh: (row) => row.payload.length, maxWeight: BATCH_PAYLOAD });
      this.finishes = new Batcher({ run: (items) => finishDoneMany(o.db, items), maxItems: BATCH_ROWS, delayMs: LAZY_BATCH_MS });
    }
    this.kvDedupe = !(this.inserts && isMariaDb(o.db.manager));
  }

  /**
   * Stores the event unless it was seen before. The kv mark is a cache read first and written only
   * after the row is committed: marking first would make a crash (or a database error) between
   * the two lose the event for 24 h, because the platform's retry would be taken for a duplicate.
   * The unique (channel, event_key) decides when the kv is down or two retries race, and alone on
   * MariaDB with batching (see `kvDedupe`). A new row is stored already claimed for the dispatch
   * that follows the answer (see `leases`).
   */
  accept(event: InboundEvent): Promise<AcceptOutcome> {
    if (this.storing >= (this.o.maxAccepting ?? MAX_ACCEPTING)) return Promise.reject(storeBusy());
    const work = this.acceptNow(event);
    this.storing += 1;
    const stored = () => void (this.storing -= 1);
    work.then(stored, stored);
    // SQLite is a file of this machine's: its queue is this instance's own work, never a stalled host.
    const answer = this.mysql ? withTimeout(work, this.o.acceptTimeoutMs ?? ACCEPT_TIMEOUT_MS, storeBusy) : work;
    this.accepting.add(answer);
    const settled = () => this.accepting.delete(answer);
    answer.then(settled, settled);
    return answer;
  }

  /**
   * Runs the handler for an event `accept` just stored, on the next turn of the loop; never throws.
   * The insert was the claim of attempt 1: no claim statement, but nothing runs once the lease has
   * passed (the redrive owns the row then), nor for an event this instance did not store.
   */
  dispatchSoon(event: InboundEvent): void {
    const leaseUntil = this.leases.get(event);
    this.leases.delete(event);
    if (leaseUntil === undefined) return;
    let placed = false;
    // The place is for the turn only: recording it done waits for a lazy batch (LAZY_BATCH_MS), and
    // a place held meanwhile left the next turn idle for it.
    const leave = () => {
      if (placed) this.leave();
      placed = false;
    };
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.place())
      .then(() => {
        placed = true;
        return this.dispatchClaimed(event, leaseUntil, leave);
      })
      .then(
        () => undefined,
        (err: Error) => this.o.log.error({ channel: event.channel, eventKey: event.eventId, err: err.name, code: codeOf(err) }, "inbound dispatch failed; redrive will retry"),
      )
      .finally(leave);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /**
   * Re-dispatches events whose next attempt is due: never started within a minute, stuck in a run
   * for longer than its lease, or failed and past their back-off. Those out of attempts are failed.
   */
  async redrivePending(now: Date): Promise<RedriveResult> {
    const rows = await dueRows(this.o.db, now, REDRIVE_BATCH);
    const result: RedriveResult = { due: rows.length, done: 0, failed: 0, gaveUp: 0, errors: 0 };
    for (const row of rows) {
      try {
        if (isSealed(row)) {
          // Its turn committed, seal included; only the inbox's own bookkeeping was lost.
          if (await this.finishSealed(row)) result.done++;
          continue;
        }
        const event = row.attempts < this.maxAttempts ? readable(row) : null;
        if (!event) {
          const why = row.attempts < this.maxAttempts ? "保存的事件内容无法读取，不再重试" : `已尝试 ${row.attempts} 次仍未处理成功，不再重试`;
          if (await giveUp(this.o.db, row, why)) result.gaveUp++;
          continue;
        }
        const outcome = await this.attempt(event, row);
        if (outcome === "done") result.done++;
        if (outcome === "failed") result.failed++;
      } catch (err) {
        // Driver errors quote their parameters (possibly message text): log the kind only.
        result.errors++;
        this.o.log.error({ channel: row.channel, eventKey: row.eventKey, err: (err as Error)?.name, code: codeOf(err) }, "inbound redrive failed for one event");
      }
    }
    return result;
  }

  /**
   * Waits for the accepts and dispatches in progress and sends any batch still waiting for its
   * turn; the server calls this when shutting down. A dispatch that ends queues its finish, so
   * this goes round until nothing is left.
   */
  async drain(): Promise<void> {
    const batchers = [this.seen, this.inserts, this.marks, this.finishes];
    // Meanwhile the lazy batches (done-updates, kv marks) do not wait for their delay.
    const releases = batchers.map((b) => b?.hurry());
    try {
      while (this.accepting.size > 0 || this.inFlight.size > 0 || batchers.some((b) => b?.busy)) {
        await Promise.allSettled([...this.accepting, ...this.inFlight, ...batchers.map((b) => b?.drain())]);
      }
    } finally {
      for (const release of releases) release?.();
    }
  }

  private async acceptNow(event: InboundEvent): Promise<AcceptOutcome> {
    const mark = this.kvDedupe ? `dedupe:${event.channel}:${event.eventId}` : undefined;
    if (mark !== undefined && (await this.seen.add(mark))) return "duplicate";
    const now = this.o.clock.now();
    const leaseUntil = now.getTime() + LEASE_MS;
    const stored = await this.store(claimedRow(event, now, new Date(leaseUntil)));
    if (stored) this.leases.set(event, leaseUntil);
    // Not awaited: the answer need not wait for a cache (and kvMark never throws).
    if (mark !== undefined) void this.marks.add(mark);
    return stored ? "new" : "duplicate";
  }

  /** Inserts the row, in this turn's batch when there is one; false when the key was known. */
  private async store(row: NewRow): Promise<boolean> {
    if (this.inserts && fitsBatch(this.o.db, row)) return this.inserts.add(row);
    try {
      await insertRow(this.o.db, row);
      return true;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // insert-or-ignore on both SQLite and MySQL
      return false;
    }
  }

  /** Resolves when a dispatch may run (see MAX_DISPATCHING); `leave` gives the place to the next. */
  private place(): Promise<void> {
    if (this.dispatching < (this.o.maxDispatching ?? MAX_DISPATCHING)) {
      this.dispatching += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private leave(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next in line; the count stays.
    if (next) next();
    else this.dispatching -= 1;
  }

  private async dispatchClaimed(event: InboundEvent, leaseUntil: number, handled: () => void): Promise<void> {
    // The redrive takes a row once now >= next_attempt_at: from then on attempt 1 is no longer ours.
    if (this.o.clock.now().getTime() >= leaseUntil) {
      this.o.log.warn({ channel: event.channel, eventKey: event.eventId }, "inbound dispatch came after its lease; redrive will run it");
      return;
    }
    await this.run(event, 1, true, handled);
  }

  /** Marks a sealed row done, as its attempt would have; false when another instance got there first. */
  private async finishSealed(row: InboundEventRow): Promise<boolean> {
    const event = { channel: row.channel, eventId: row.eventKey } as InboundEvent;
    const attempt = await claim(this.o.db, event, row, new Date(this.o.clock.now().getTime() + LEASE_MS));
    return attempt !== null && finish(this.o.db, event, attempt, { status: "done", at: this.o.clock.now() });
  }

  /** Claims the row's next attempt (a compare-and-set on where it was seen) and runs it. */
  private async attempt(event: InboundEvent, from: RowState): Promise<"done" | "failed" | "skipped"> {
    const attempt = await claim(this.o.db, event, from, new Date(this.o.clock.now().getTime() + LEASE_MS));
    if (attempt === null) return "skipped"; // another dispatch or instance owns it
    return this.run(event, attempt);
  }

  /**
   * Runs an attempt this instance owns and records how it ended (compare-and-set on attempt). The
   * dispatches after the answer share their done-updates (`batched`); a redrive, which goes row
   * by row, records each at once.
   */
  private async run(event: InboundEvent, attempt: number, batched = false, handled?: () => void): Promise<"done" | "failed"> {
    try {
      await this.o.handler.handle(event);
    } catch (err) {
      handled?.();
      const retryAt = attempt >= this.maxAttempts ? null : new Date(this.o.clock.now().getTime() + backoffMs(attempt));
      await finish(this.o.db, event, attempt, { status: "failed", retryAt, error: (err as Error)?.message ?? String(err) });
      // The message may quote what the user wrote: it goes to last_error, not to the log.
      this.o.log.warn({ channel: event.channel, kind: event.kind, eventKey: event.eventId, attempt, retryAt, err: (err as Error)?.name }, "inbound event failed");
      return "failed";
    }
    handled?.();
    const at = this.o.clock.now();
    const recorded =
      batched && this.finishes
        ? await this.finishes.add({ channel: event.channel, eventKey: event.eventId, attempt, at })
        : await finish(this.o.db, event, attempt, { status: "done", at });
    if (!recorded) this.o.log.warn({ channel: event.channel, eventKey: event.eventId, attempt }, "inbound event finished after its lease ran out");
    return "done";
  }

  // A kv failure is never the caller's: the database decides without it.
  private async kvSeen(keys: string[]): Promise<boolean[]> {
    try {
      return (await withTimeout(this.o.kv.getMany(keys))).map((value) => value !== null);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, "dedupe kv unavailable; relying on the database");
      return keys.map(() => false);
    }
  }

  private async kvMark(keys: string[]): Promise<void[]> {
    try {
      await withTimeout(this.o.kv.setManyIfAbsent(keys, "1", DEDUPE_TTL_MS));
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, "dedupe kv unavailable; relying on the database");
    }
    return keys.map(() => undefined);
  }
}

/** 1, 4, 16, 60, 60… minutes: quick for a hiccup, patient with an outage. */
export function backoffMs(attempt: number): number {
  return Math.min(MINUTE * 4 ** (attempt - 1), 60 * MINUTE);
}

// A row whose payload no longer parses can never succeed: better failed than due forever.
function readable(row: Parameters<typeof eventOf>[0]): InboundEvent | null {
  try {
    return eventOf(row);
  } catch {
    return null;
  }
}

function withTimeout<T>(work: Promise<T>, ms = KV_TIMEOUT_MS, failure = () => new Error(`kv timed out after ${KV_TIMEOUT_MS} ms`)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The database did not store the event in time, or too many are waiting on it: the platform should retry. */
function storeBusy() {
  return Unavailable("暂时无法保存消息，请稍后重试", "inbox_busy");
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}
