import type { EntityManager } from "typeorm";
import type { OutboundMessage } from "../../channels/channel";
import { isDuplicateKeyError, isMysqlFamily } from "../../db/dialect";
import { OutboxDelivery, OutboxMessage } from "../../db/entities";
import { Invalid } from "../../errors";
import { isLane, LANE_PRIORITY, type Lane } from "./lanes";
import { deferForQuietHours, type QuietHours } from "./quietHours";
import type { Recipient } from "./recipients";

/** What a feature hands to the outbox. */
export interface EnqueueRequest {
  /** Unique per message (≤ 191 characters), e.g. `hazard:12:assigned`; a repeat is a no-op. */
  idempotencyKey: string;
  lane: Lane;
  message: OutboundMessage;
  /** From `resolveRecipients`; unreachable people become failed deliveries with their reason. */
  recipients: readonly Recipient[];
  /** What caused the message (≤ 64 characters), e.g. `hazard:12`, for `deliveriesOfSource`. */
  source?: string;
  /**
   * Stored as text only until delivered (a 举报's replies): the sent message's payload is then
   * replaced by a neutral text, so the row no longer shows what was said to whom.
   */
  confidential?: boolean;
  /** Not before this instant (a reminder); routine messages also wait out quiet hours. */
  notBefore?: Date;
  /**
   * Retry until this instant instead of for the configured number of attempts (a 叫应 card: its
   * campaign's deadline, since a card that arrives late still beats none); back-off still applies.
   */
  giveUpAt?: Date;
  /**
   * The key is almost certainly new (a chat turn's reply: a replayed turn is recognised before it
   * gets here). The read before the insert is skipped; a known key is still caught, by the unique
   * index, and answered as the read would have.
   */
  likelyNew?: boolean;
}

export interface EnqueueResult {
  message: OutboxMessage;
  /** False when the key was already known: nothing was written. */
  created: boolean;
}

const INSERT_CHUNK = 500;

/**
 * Writes one message and one delivery per recipient in the caller's transaction, so they commit
 * with the change that caused them or not at all.
 */
export async function enqueueMessage(tx: EntityManager, request: EnqueueRequest, now: Date, quiet: QuietHours): Promise<EnqueueResult> {
  // Outside a transaction a crash could leave a message without its deliveries, or a change
  // without its message: exactly what the outbox exists to prevent.
  if (!tx.queryRunner?.isTransactionActive) throw new Error("outbox: enqueue must run inside the caller's transaction (db.transaction)");
  validate(request);
  const known = request.likelyNew ? null : await findByKey(tx, request.idempotencyKey, false);
  if (known) return { message: known, created: false };
  const message = tx.create(OutboxMessage, {
    idempotencyKey: request.idempotencyKey,
    lane: request.lane,
    payload: JSON.stringify(request.confidential ? { ...request.message, confidential: true } : request.message),
    source: request.source ?? null,
    createdAt: now,
  });
  try {
    await tx.insert(OutboxMessage, message);
  } catch (err) {
    // Another transaction committed the same key after our read: theirs stands.
    if (!isDuplicateKeyError(err)) throw err;
    const winner = await findByKey(tx, request.idempotencyKey, true);
    if (!winner) throw err;
    return { message: winner, created: false };
  }
  const rows = deliveryRows(message, request, now, quiet);
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.createQueryBuilder().insert().into(OutboxDelivery).values(rows.slice(i, i + INSERT_CHUNK)).updateEntity(false).execute();
  }
  return { message, created: true };
}

/** A message by its idempotency key; `latest` reads past a MySQL snapshot to see a just-committed row. */
export async function findByKey(tx: EntityManager, key: string, latest: boolean): Promise<OutboxMessage | null> {
  const query = tx.createQueryBuilder(OutboxMessage, "m").where("m.idempotency_key = :key", { key });
  if (latest && isMysqlFamily(tx)) query.setLock("pessimistic_write");
  return query.getOne();
}

function deliveryRows(message: OutboxMessage, request: EnqueueRequest, now: Date, quiet: QuietHours): Partial<OutboxDelivery>[] {
  const due = deferForQuietHours(request.notBefore && request.notBefore > now ? request.notBefore : now, request.lane, quiet);
  const base = { messageId: message.id, lane: request.lane, priority: LANE_PRIORITY[request.lane], attempts: 0, giveUpAt: request.giveUpAt ?? null, createdAt: now, updatedAt: now };
  const seen = new Set<string>();
  const rows: Partial<OutboxDelivery>[] = [];
  for (const r of request.recipients) {
    const key = r.channel === null ? `person:${r.personId}` : `${r.channel}:${r.userId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (r.channel === null) {
      rows.push({ ...base, channel: null, recipient: `person:${r.personId}`, personId: r.personId, status: "failed", nextAttemptAt: now, errorCode: r.code, lastError: r.reason });
    } else {
      rows.push({ ...base, channel: r.channel, recipient: r.userId, personId: r.personId ?? null, status: "pending", nextAttemptAt: due });
    }
  }
  return rows;
}

function validate(request: EnqueueRequest): void {
  const key = request.idempotencyKey;
  if (!key || key.length > 191) throw Invalid("消息的幂等键不能为空，且不超过 191 个字符", undefined, "outbox_invalid_key");
  if (!isLane(request.lane)) throw Invalid(`未知的消息通道优先级：${String(request.lane)}`, undefined, "outbox_invalid_lane");
  if (request.source !== undefined && request.source.length > 64) throw Invalid("消息来源标识不能超过 64 个字符", undefined, "outbox_invalid_source");
  if (request.recipients.length === 0) throw Invalid("消息没有收件人", undefined, "outbox_no_recipients");
  const long = request.recipients.find((r) => r.channel !== null && (!r.userId || r.userId.length > 64));
  if (long) throw Invalid("收件人账号为空或超过 64 个字符", undefined, "outbox_invalid_recipient");
}
