import type { EntityManager } from "typeorm";
import type { ChannelId } from "../channels/channel";
import type { Database } from "../db/Database";
import { isMysqlFamily } from "../db/dialect";
import { OutboxDelivery, OutboxMessage } from "../db/entities";
import type { Lane } from "../domain/outbox/lanes";
import { chunk, shortTransaction } from "./shortTx";

/** A claimed delivery; `attempts` is the count before this claim. */
export interface ClaimedRow {
  id: number;
  recipient: string;
  lane: Lane;
  attempts: number;
  /** Retried until then instead of for maxAttempts (OutboxDelivery.giveUpAt). */
  giveUpAt: Date | null;
}

/** Claimed deliveries of one message on one channel, sent together in calls of ≤ maxRecipientsPerCall. */
export interface ClaimedGroup {
  messageId: number;
  channel: ChannelId | null;
  lane: Lane;
  /** Some earlier attempt may have reached the platform: ask it to suppress duplicates. */
  resend: boolean;
  rows: ClaimedRow[];
  payload: string;
}

export interface Claim {
  /** Written to `claimed_by`: results are recorded only while this claim still holds the rows. */
  token: string;
  until: Date;
  groups: ClaimedGroup[];
}

export interface ClaimOptions {
  now: Date;
  token: string;
  leaseMs: number;
  /** Most rows one group takes: the largest call any channel allows. */
  maxRows: number;
  /** Most groups (≈ send calls) one claim takes, so a lease covers their sending. */
  maxGroups: number;
  /** LANE_PRIORITY values allowed now (routine is left alone during quiet hours). */
  priorities: number[];
  /**
   * The channels this worker has a sender for. Only their deliveries are taken: a worker that
   * cannot send a channel (not configured here, paused by an operator) must leave its deliveries
   * to one that can, not fail them. Empty: nothing is claimed.
   */
  channels: readonly ChannelId[];
}

const UPDATE_CHUNK = 500;

/**
 * Takes due deliveries, highest lane first, and marks them `sending` under a lease, in one short
 * transaction. On MySQL rows are read `FOR UPDATE SKIP LOCKED`, so instances share the table
 * without waiting for each other; only the rows taken are locked, never a wide range that would
 * leave another instance with nothing. SQLite has a single worker.
 */
export async function claimDue(db: Database, o: ClaimOptions): Promise<Claim> {
  const until = new Date(o.now.getTime() + o.leaseMs);
  if (o.channels.length === 0) return { token: o.token, until, groups: [] };
  const groups = await shortTransaction(db, async (tx) => {
    // A few due rows name the groups (≤ maxGroups rows, so ≤ maxGroups groups). Only ids are
    // read under the lock, so the due index covers the scan and it stops at the LIMIT: every row
    // a locking scan passes stays locked until commit, and other instances would find nothing.
    const locked = await dueRows(tx, o).select("d.id").limit(o.maxGroups).getMany();
    const head = locked.length ? await details(tx, locked.map((d) => d.id)) : [];
    const picked = group(head);
    // The group the scan cut off is filled up to one full call, so a message to 2,500 people
    // goes out in calls of 1,000 rather than of maxGroups.
    const last = picked[picked.length - 1];
    if (locked.length === o.maxGroups && last && last.rows.length < o.maxRows) {
      const more = await lockIds(tx, o, await moreOfGroup(tx, o, last));
      if (more.length) last.rows.push(...(await details(tx, more)).map(toClaimed));
    }
    if (picked.length === 0) return [];
    const ids = picked.flatMap((g) => g.rows.map((r) => r.id));
    for (const part of chunk(ids, UPDATE_CHUNK)) {
      await tx
        .createQueryBuilder()
        .update(OutboxDelivery)
        .set({ status: "sending", claimedUntil: until, claimedBy: o.token, attempts: () => "attempts + 1", updatedAt: o.now })
        .where("id IN (:...ids)", { ids: part })
        .execute();
    }
    const messageIds = [...new Set(picked.map((g) => g.messageId))];
    const messages = await tx.createQueryBuilder(OutboxMessage, "m").select(["m.id", "m.payload"]).where("m.id IN (:...messageIds)", { messageIds }).getMany();
    const payloads = new Map(messages.map((m) => [m.id, m.payload]));
    // The same recipients in the same order each time, so a resend repeats the earlier request exactly.
    for (const g of picked) g.rows.sort((a, b) => a.id - b.id);
    return picked.map((g) => ({ ...g, payload: payloads.get(g.messageId) ?? "null" }));
  });
  return { token: o.token, until, groups };
}

function dueRows(tx: EntityManager, o: ClaimOptions) {
  const query = tx
    .createQueryBuilder(OutboxDelivery, "d")
    .where("d.status = 'pending'")
    .andWhere("d.next_attempt_at <= :now", { now: o.now })
    .andWhere("d.priority IN (:...priorities)", { priorities: o.priorities })
    .andWhere("d.channel IN (:...channels)", { channels: o.channels })
    .orderBy("d.priority", "ASC")
    .addOrderBy("d.nextAttemptAt", "ASC")
    .addOrderBy("d.id", "ASC");
  return isMysqlFamily(tx) ? query.setLock("pessimistic_write").setOnLocked("skip_locked") : query;
}

/**
 * Further due rows of `g`'s message, read WITHOUT locks: MariaDB answers this query by walking
 * the due index (its order matches), and a locking walk kept the whole due range locked until
 * commit — a second instance then found nothing (seen in outboxConcurrency.int.test.ts).
 */
async function moreOfGroup(tx: EntityManager, o: ClaimOptions, g: Omit<ClaimedGroup, "payload">): Promise<number[]> {
  const rows = await tx
    .createQueryBuilder(OutboxDelivery, "d")
    .select("d.id")
    .where("d.message_id = :messageId", { messageId: g.messageId })
    .andWhere(g.channel === null ? "d.channel IS NULL" : "d.channel = :channel", { channel: g.channel })
    .andWhere("d.status = 'pending'")
    .andWhere("d.next_attempt_at <= :now", { now: o.now })
    .andWhere("d.priority IN (:...priorities)", { priorities: o.priorities })
    .andWhere(g.resend ? "d.attempts > 0" : "d.attempts = 0")
    .andWhere("d.id NOT IN (:...taken)", { taken: g.rows.map((r) => r.id) })
    .orderBy("d.id", "ASC")
    .limit(o.maxRows - g.rows.length)
    .getMany();
  return rows.map((r) => r.id);
}

/** Locks those of `ids` still due, by primary key, so nothing else is touched; taken ones are skipped. */
async function lockIds(tx: EntityManager, o: ClaimOptions, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const query = tx
    .createQueryBuilder(OutboxDelivery, "d")
    .select("d.id")
    .where("d.id IN (:...ids)", { ids })
    .andWhere("d.status = 'pending'")
    .andWhere("d.next_attempt_at <= :now", { now: o.now });
  if (isMysqlFamily(tx)) query.setLock("pessimistic_write").setOnLocked("skip_locked");
  return (await query.getMany()).map((r) => r.id);
}

/** The rows this transaction has locked, in claim order. */
function details(tx: EntityManager, ids: number[]): Promise<OutboxDelivery[]> {
  return tx
    .createQueryBuilder(OutboxDelivery, "d")
    .select(["d.id", "d.messageId", "d.channel", "d.recipient", "d.lane", "d.priority", "d.attempts", "d.giveUpAt"])
    .where("d.id IN (:...ids)", { ids })
    .orderBy("d.priority", "ASC")
    .addOrderBy("d.nextAttemptAt", "ASC")
    .addOrderBy("d.id", "ASC")
    .getMany();
}

/**
 * Groups rows by message, channel and whether they were tried before: a resend must repeat the
 * earlier call, not mix in fresh recipients.
 */
function group(rows: OutboxDelivery[]): Omit<ClaimedGroup, "payload">[] {
  const groups = new Map<string, Omit<ClaimedGroup, "payload">>();
  for (const d of rows) {
    const resend = d.attempts > 0;
    const key = `${d.messageId}|${d.channel ?? ""}|${resend}`;
    let g = groups.get(key);
    if (!g) {
      g = { messageId: d.messageId, channel: d.channel, lane: d.lane, resend, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(toClaimed(d));
  }
  return [...groups.values()];
}

function toClaimed(d: OutboxDelivery): ClaimedRow {
  return { id: d.id, recipient: d.recipient, lane: d.lane, attempts: d.attempts, giveUpAt: d.giveUpAt };
}

/**
 * Returns deliveries whose lease ran out (the process died mid-send) to `pending` — their
 * attempt already counted, so the next claim resends them with the duplicate check on. Rows
 * that used up their attempts (or reached their give-up time) this way fail: the outcome of the
 * last one is unknown. Pending rows past their give-up time fail as `expired`: a 叫应 card not
 * sent by the campaign's deadline is reported undelivered rather than sent after it.
 */
export async function recoverExpired(db: Database, now: Date, maxAttempts: number): Promise<number> {
  return shortTransaction(db, async (tx) => {
    await tx
      .createQueryBuilder()
      .update(OutboxDelivery)
      .set({ status: "failed", errorCode: "expired", lastError: "截至送达期限仍未能发出，不再重试", updatedAt: now })
      .where("status = 'pending'")
      .andWhere("give_up_at IS NOT NULL AND give_up_at <= :now", { now })
      .execute();
    const expired = tx.createQueryBuilder().update(OutboxDelivery).where("status = 'sending'").andWhere("claimed_until <= :now", { now });
    await expired
      .clone()
      .set({ status: "failed", claimedUntil: null, claimedBy: null, errorCode: "interrupted", lastError: `发送 ${maxAttempts} 次均中断（进程退出），结果未知，不再重试`, updatedAt: now })
      .andWhere("give_up_at IS NULL AND attempts >= :max", { max: maxAttempts })
      .execute();
    await expired
      .clone()
      .set({ status: "failed", claimedUntil: null, claimedBy: null, errorCode: "interrupted", lastError: "发送中断（进程退出）且已到送达期限，结果未知，不再重试", updatedAt: now })
      .andWhere("give_up_at IS NOT NULL AND give_up_at <= :now", { now })
      .execute();
    const result = await expired
      .clone()
      .set({ status: "pending", nextAttemptAt: now, claimedUntil: null, claimedBy: null, errorCode: "interrupted", lastError: "上次发送中断，结果未知，将带去重标记重发", updatedAt: now })
      .execute();
    return result.affected ?? 0;
  });
}
