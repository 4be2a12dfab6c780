import type { Database } from "../../db/Database";
import { isDuplicateKeyError, isLockConflict, isMariaDb } from "../../db/dialect";
import { InboundEventRow } from "../../db/entities";
import { COLUMNS, insertRow, type NewRow, ROW_PLACEHOLDERS, rowParams } from "./inboxRows";

/**
 * The inbox's two hot-path statements for many rows at once, on MySQL/MariaDB: the inserts of the
 * callbacks that arrived together, and the done-updates of the dispatches that ended together.
 * One statement is one commit (one redo-log flush) and one round trip for the whole batch, and
 * it is atomic: every row of a batch is stored, or none is and every caller learns it.
 */

// A TEXT column holds 65,535 bytes.
const TEXT_MAX_BYTES = 65_535;
/** A deadlock victim's statement was rolled back whole, so it is safe to send again. */
const LOCK_RETRIES = 2;

type Limits = Record<"channel" | "eventKey" | "kind" | "senderId", number>;
const limitsCache = new WeakMap<Database, Limits>();

/**
 * Whether the row may go into a batch. `INSERT IGNORE` would store a too-long value cut short
 * (a warning, not an error), so a row that might not fit its columns is inserted on its own and
 * fails loudly if it does not. String length counts UTF-16 units, never fewer than characters.
 */
export function fitsBatch(db: Database, row: NewRow): boolean {
  const limits = limitsOf(db);
  return (
    row.channel.length <= limits.channel &&
    row.eventKey.length <= limits.eventKey &&
    row.kind.length <= limits.kind &&
    row.senderId.length <= limits.senderId &&
    // ≤ 3 UTF-8 bytes per UTF-16 unit: skip the exact count for the usual small payload.
    (row.payload.length * 3 <= TEXT_MAX_BYTES || Buffer.byteLength(row.payload, "utf8") <= TEXT_MAX_BYTES)
  );
}

/**
 * Inserts the rows as one statement; per row, true when this row was stored and false when its
 * (channel, event_key) was already stored, or came earlier in the same batch. Resolves once every
 * row is committed; rejects for all of them when the statement fails.
 */
export async function insertMany(db: Database, rows: NewRow[]): Promise<boolean[]> {
  const keys = rows.map((row) => keyOf(row.channel, row.eventKey));
  const first = new Map<string, number>();
  keys.forEach((key, i) => {
    if (!first.has(key)) first.set(key, i);
  });
  // Key order: two batches meeting the same keys lock them in the same order.
  const distinct = [...first.values()].sort((a, b) => compare(keys[a] as string, keys[b] as string));
  const stored = await retryOnLockConflict(() =>
    insertDistinct(
      db,
      distinct.map((i) => rows[i] as NewRow),
      distinct.map((i) => keys[i] as string),
    ),
  );
  return keys.map((key, i) => first.get(key) === i && stored.has(key));
}

/** Inserts rows of distinct keys; returns the keys of the rows stored (the others were known). */
async function insertDistinct(db: Database, rows: NewRow[], keys: string[]): Promise<Set<string>> {
  const values = rows.map(() => ROW_PLACEHOLDERS).join(", ");
  const params: unknown[] = [];
  for (const row of rows) params.push(...rowParams(row));
  const mariaDb = isMariaDb(db.manager);
  const inserted = await db.write(async (m) => {
    if (mariaDb) {
      // IGNORE leaves a known key out instead of failing, and RETURNING names the rows stored:
      // the others are duplicates.
      const returned = (await m.query(`INSERT IGNORE INTO inbound_events (${COLUMNS}) VALUES ${values} RETURNING channel, event_key`, params)) as { channel: string; event_key: string }[];
      return new Set(returned.map((r) => keyOf(r.channel, r.event_key)));
    }
    try {
      await m.query(`INSERT INTO inbound_events (${COLUMNS}) VALUES ${values}`, params);
      return new Set(keys);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return null;
    }
  });
  if (inserted) return inserted;
  // MySQL has no RETURNING: a batch that met a known key was rolled back whole, and goes again row
  // by row, where each insert learns for itself (rare: the kv mark catches most retries first).
  const outcomes = await Promise.all(rows.map((row) => insertRow(db, row).then(() => true, (err: unknown) => (isDuplicateKeyError(err) ? false : Promise.reject(err)))));
  return new Set(keys.filter((_, i) => outcomes[i]));
}

/** A dispatch that ended well: attempt `attempt` of the row is done at `at`. */
export interface DoneItem {
  channel: string;
  eventKey: string;
  attempt: number;
  at: Date;
}

/**
 * Marks the rows done, one UPDATE per (channel, attempt) — nearly always one for the whole batch.
 * Per row, false when its lease had run out and another attempt had taken it over (the same
 * compare-and-set on status and attempts as `finish`).
 */
export async function finishDoneMany(db: Database, items: DoneItem[]): Promise<boolean[]> {
  const groups = new Map<string, DoneItem[]>();
  for (const item of items) {
    const group = `${item.attempt}\u0000${item.channel}`;
    const members = groups.get(group);
    if (members) members.push(item);
    else groups.set(group, [item]);
  }
  const recorded = new Set<DoneItem>();
  await db.write(async (m) => {
    for (const group of groups.values()) {
      const { channel, attempt } = group[0] as DoneItem;
      const keys = [...new Set(group.map((i) => i.eventKey))];
      // One time for the statement: the latest end among them (they ended within one lazy batch).
      const at = new Date(Math.max(...group.map((i) => i.at.getTime())));
      const marks = keys.map(() => "?").join(", ");
      const result = (await m.query(
        `UPDATE inbound_events SET status = 'done', processed_at = ?, next_attempt_at = NULL, last_error = NULL WHERE channel = ? AND event_key IN (${marks}) AND status = 'processing' AND attempts = ?`,
        [at, channel, ...keys, attempt],
      )) as { affectedRows: number };
      if (result.affectedRows === keys.length) {
        for (const item of group) recorded.add(item);
        continue;
      }
      // Some rows had been taken over. Only the owner of attempt N finishes it, so a row now done
      // at attempt N was done by this statement.
      const rows = (await m.query(`SELECT event_key, status, attempts FROM inbound_events WHERE channel = ? AND event_key IN (${marks})`, [channel, ...keys])) as { event_key: string; status: string; attempts: number }[];
      const ours = new Set(rows.filter((r) => r.status === "done" && Number(r.attempts) === attempt).map((r) => r.event_key));
      for (const item of group) if (ours.has(item.eventKey)) recorded.add(item);
    }
  });
  return items.map((item) => recorded.has(item));
}

async function retryOnLockConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await work();
    } catch (err) {
      if (retry >= LOCK_RETRIES || !isLockConflict(err)) throw err;
    }
  }
}

function limitsOf(db: Database): Limits {
  let limits = limitsCache.get(db);
  if (!limits) {
    const meta = db.dataSource.getMetadata(InboundEventRow);
    const length = (property: keyof Limits) => Number(meta.findColumnWithPropertyName(property)?.length) || 0;
    limits = { channel: length("channel"), eventKey: length("eventKey"), kind: length("kind"), senderId: length("senderId") };
    limitsCache.set(db, limits);
  }
  return limits;
}

const keyOf = (channel: string, eventKey: string): string => `${channel}\u0000${eventKey}`;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
