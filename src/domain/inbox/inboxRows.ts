import { type EntityManager, In, LessThanOrEqual } from "typeorm";
import type { InboundEvent } from "../../channels/channel";
import type { Database } from "../../db/Database";
import { isMysqlFamily } from "../../db/dialect";
import { InboundEventRow, type InboundStatus } from "../../db/entities";

/**
 * The inbox table's few statements. Every state change is a compare-and-set on (status, attempts),
 * so the dispatch right after the answer and a redrive on another instance can never both run
 * the same event: whoever's UPDATE matches owns the attempt.
 */

/** Where a row stood when it was read; the claim succeeds only if it still stands there. */
export interface RowState {
  status: InboundStatus;
  attempts: number;
}

const ERROR_MAX = 500;

// Every statement goes through db.write: one round trip on MySQL (the hot path), the transaction
// queue on SQLite.
const write = <T>(db: Database, work: (m: EntityManager) => Promise<T>): Promise<T> => db.write(work);

export const COLUMNS = "channel, event_key, kind, sender_id, payload, status, attempts, received_at, processed_at, next_attempt_at, last_error";
/** One row's placeholders, in the order of `COLUMNS` (processed_at and last_error start empty). */
export const ROW_PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)";

/** A row about to be inserted, with its payload serialised once. */
export interface NewRow {
  channel: string;
  eventKey: string;
  kind: string;
  senderId: string;
  payload: string;
  status: InboundStatus;
  attempts: number;
  receivedAt: Date;
  nextAttemptAt: Date;
}

/** The row `accept` stores for an event it is about to dispatch: `processing`, attempt 1, leased until `leaseUntil`. */
export function claimedRow(event: InboundEvent, receivedAt: Date, leaseUntil: Date): NewRow {
  return newRow(event, { status: "processing", attempts: 1 }, receivedAt, leaseUntil);
}

/** The parameters of one row, in the order of `ROW_PLACEHOLDERS`. */
export function rowParams(row: NewRow): unknown[] {
  return [row.channel, row.eventKey, row.kind, row.senderId, row.payload, row.status, row.attempts, row.receivedAt, row.nextAttemptAt];
}

/**
 * Inserts a new row that is already claimed: `processing`, attempt 1, leased until `leaseUntil`.
 * The insert is the claim, so the dispatch right after the answer runs the handler without a claim
 * statement; if it never runs (a crash), the redrive takes the row over once the lease has passed.
 * Throws the driver's duplicate-key error when the event is known.
 */
export function insertClaimed(db: Database, event: InboundEvent, receivedAt: Date, leaseUntil: Date): Promise<void> {
  return insertRow(db, claimedRow(event, receivedAt, leaseUntil));
}

/** Inserts an unclaimed row, as rows were stored before the pre-claimed insert (tests and bench/breakdown.ts). */
export function insertPending(db: Database, event: InboundEvent, receivedAt: Date, graceUntil: Date): Promise<void> {
  return insertRow(db, newRow(event, { status: "pending", attempts: 0 }, receivedAt, graceUntil));
}

/**
 * Inserts one row; throws the driver's duplicate-key error when (channel, event_key) is known.
 * Plain SQL on MySQL/MariaDB (TypeORM's builder costs more CPU than the statement itself); SQLite
 * keeps the builder.
 */
export async function insertRow(db: Database, row: NewRow): Promise<void> {
  await write(db, (m) =>
    isMysqlFamily(m)
      ? m.query(`INSERT INTO inbound_events (${COLUMNS}) VALUES ${ROW_PLACEHOLDERS}`, rowParams(row))
      : m.insert(InboundEventRow, { ...row, processedAt: null, lastError: null }),
  );
}

function newRow(event: InboundEvent, state: RowState, receivedAt: Date, nextAttemptAt: Date): NewRow {
  return { channel: event.channel, eventKey: event.eventId, kind: event.kind, senderId: event.senderId, payload: JSON.stringify(event), ...state, receivedAt, nextAttemptAt };
}

/** Takes the next attempt if the row is still where it was seen; returns the new attempt number. */
export async function claim(db: Database, event: InboundEvent, from: RowState, leaseUntil: Date): Promise<number | null> {
  const result = await write(db, (m) =>
    keyed(m, event, from)
      .set({ status: "processing", attempts: () => "attempts + 1", nextAttemptAt: leaseUntil })
      .execute(),
  );
  return result.affected === 1 ? from.attempts + 1 : null;
}

/** Records how an attempt ended; false when the lease had run out and another attempt took over. */
export async function finish(
  db: Database,
  event: InboundEvent,
  attempt: number,
  outcome: { status: "done"; at: Date } | { status: "failed"; retryAt: Date | null; error: string },
): Promise<boolean> {
  const changes =
    outcome.status === "done"
      ? { status: "done" as const, processedAt: outcome.at, nextAttemptAt: null, lastError: null }
      : { status: "failed" as const, processedAt: null, nextAttemptAt: outcome.retryAt, lastError: outcome.error.slice(0, ERROR_MAX) };
  return write(db, async (m) => {
    if (!isMysqlFamily(m)) return (await keyed(m, event, { status: "processing", attempts: attempt }).set(changes).execute()).affected === 1;
    const result = (await m.query(
      "UPDATE inbound_events SET status = ?, processed_at = ?, next_attempt_at = ?, last_error = ? WHERE channel = ? AND event_key = ? AND status = 'processing' AND attempts = ?",
      [changes.status, changes.processedAt, changes.nextAttemptAt, changes.lastError, event.channel, event.eventId, attempt],
    )) as { affectedRows: number };
    return result.affectedRows === 1;
  });
}

/** Marks a row that used up its attempts as failed for good (nothing retries it afterwards). */
export async function giveUp(db: Database, row: InboundEventRow, error: string): Promise<boolean> {
  const event = { channel: row.channel, eventId: row.eventKey } as InboundEvent;
  const result = await write(db, (m) =>
    keyed(m, event, row)
      .set({ status: "failed", nextAttemptAt: null, lastError: error.slice(0, ERROR_MAX) })
      .execute(),
  );
  return result.affected === 1;
}

/** Rows whose next attempt is due: unstarted past their grace, stuck past their lease, or retrying. */
export function dueRows(db: Database, now: Date, limit: number): Promise<InboundEventRow[]> {
  return db.manager.find(InboundEventRow, {
    where: { status: In(["pending", "processing", "failed"]), nextAttemptAt: LessThanOrEqual(now) },
    order: { nextAttemptAt: "ASC" },
    take: limit,
  });
}

/** The stored event, with its date revived from JSON. */
export function eventOf(row: InboundEventRow): InboundEvent {
  const parsed = JSON.parse(row.payload) as InboundEvent & { occurredAt: string };
  return { ...parsed, occurredAt: new Date(parsed.occurredAt) };
}

function keyed(m: EntityManager, event: Pick<InboundEvent, "channel" | "eventId">, from: RowState) {
  return m
    .createQueryBuilder()
    .update(InboundEventRow)
    .where("channel = :channel AND event_key = :key AND status = :status AND attempts = :attempts", {
      channel: event.channel,
      key: event.eventId,
      status: from.status,
      attempts: from.attempts,
    });
}
