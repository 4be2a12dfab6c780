import { type EntityManager, In, type QueryDeepPartialEntity } from "typeorm";
import { CONFIDENTIAL_DELIVERED, type SendResult } from "../channels/channel";
import { OutboxDelivery, OutboxMessage } from "../db/entities";
import type { Failure } from "./backoff";
import type { ClaimedRow } from "./claim";
import { chunk } from "./shortTx";

const SETTLE_CHUNK = 500;

/**
 * Writes the outcome of a call and releases the claim in the same statement. Every update is
 * conditional on the claim still holding the row, so a worker that outlived its lease cannot
 * overwrite what the worker that took over recorded. Returns the rows actually changed.
 */
async function settle(tx: EntityManager, token: string, rows: readonly ClaimedRow[], values: QueryDeepPartialEntity<OutboxDelivery>): Promise<number> {
  let changed = 0;
  for (const part of chunk(rows, SETTLE_CHUNK)) {
    const result = await tx
      .createQueryBuilder()
      .update(OutboxDelivery)
      .set({ ...values, claimedUntil: null, claimedBy: null })
      .where("id IN (:...ids)", { ids: part.map((r) => r.id) })
      .andWhere("status = 'sending'")
      .andWhere("claimed_by = :token", { token })
      .execute();
    changed += result.affected ?? 0;
  }
  return changed;
}

/** Whether `recordSent` is one UPDATE (no invalid users, one chunk), so it needs no transaction. */
export function isOneStatement(rows: readonly ClaimedRow[], result: SendResult): boolean {
  return rows.length <= SETTLE_CHUNK && result.invalidUsers.length === 0;
}

/** The platform accepted the call: its named invalid users become `invalid`, everyone else `sent`. */
export async function recordSent(tx: EntityManager, token: string, rows: readonly ClaimedRow[], result: SendResult, now: Date): Promise<{ sent: number; invalid: number; changed: number }> {
  // WeChat Work lower-cases the ids it lists in `invaliduser`.
  const invalidIds = new Set(result.invalidUsers.map((u) => u.toLowerCase()));
  const invalid = rows.filter((r) => invalidIds.has(r.recipient.toLowerCase()));
  const sent = rows.filter((r) => !invalidIds.has(r.recipient.toLowerCase()));
  const answer = { platformMsgId: result.platformMessageId ?? null, responseCode: result.responseCode ?? null, updatedAt: now };
  let changed = await settle(tx, token, sent, { ...answer, status: "sent", sentAt: now, errorCode: null, lastError: null });
  changed += await settle(tx, token, invalid, {
    ...answer,
    status: "invalid",
    errorCode: "invalid_user",
    lastError: "平台拒收：该账号不存在、已离职或不在应用可见范围内",
  });
  return { sent: sent.length, invalid: invalid.length, changed };
}

/**
 * A confidential message none of whose deliveries is still to be sent keeps only a neutral text:
 * the tip number it told the tipster must not stay next to their account in the outbox.
 */
export async function sealDelivered(tx: EntityManager, messageId: number): Promise<void> {
  const open = await tx.countBy(OutboxDelivery, { messageId, status: In(["pending", "sending"]) });
  if (open === 0) await tx.update(OutboxMessage, { id: messageId }, { payload: JSON.stringify(CONFIDENTIAL_DELIVERED) });
}

/** A permanent failure, or a delivery that can never be sent (e.g. its channel is off). */
export function recordFailed(tx: EntityManager, token: string, rows: readonly ClaimedRow[], code: string, reason: string, now: Date): Promise<number> {
  return settle(tx, token, rows, { status: "failed", errorCode: code.slice(0, 32), lastError: reason.slice(0, 500), updatedAt: now });
}

/**
 * A transient failure: back to `pending` at `retryAt(attempts)`, or `failed` once the attempts
 * are used up — or, for a row with a give-up time (a 叫应 card), once the next try would come
 * at or after it: such a row is retried however many attempts that takes. Rows with the same
 * attempt count wait the same time, so they retry as one call.
 */
export async function recordRetry(
  tx: EntityManager,
  token: string,
  rows: readonly ClaimedRow[],
  failure: Failure,
  now: Date,
  maxAttempts: number,
  retryAt: (attempts: number, lane: ClaimedRow["lane"]) => Date,
): Promise<{ retrying: number; failed: number; changed: number }> {
  const byAttempts = new Map<number, ClaimedRow[]>();
  for (const r of rows) byAttempts.set(r.attempts + 1, [...(byAttempts.get(r.attempts + 1) ?? []), r]);
  let retrying = 0;
  let failed = 0;
  let changed = 0;
  for (const [attempts, group] of byAttempts) {
    const at = retryAt(attempts, (group[0] as ClaimedRow).lane);
    // Rows sharing a retry time settle in one statement, so they retry as one call.
    const byTime = new Map<number, ClaimedRow[]>();
    const givingUp: ClaimedRow[] = [];
    for (const r of group) {
      const next = nextTry(r, attempts, at, now, maxAttempts);
      if (next === null) givingUp.push(r);
      else byTime.set(next, [...(byTime.get(next) ?? []), r]);
    }
    if (givingUp.length) {
      failed += givingUp.length;
      changed += await recordFailed(tx, token, givingUp, failure.code, `重试 ${attempts} 次后仍失败：${failure.message}`, now);
    }
    for (const [time, again] of byTime) {
      retrying += again.length;
      changed += await settle(tx, token, again, { status: "pending", nextAttemptAt: new Date(time), errorCode: failure.code, lastError: failure.message.slice(0, 500), updatedAt: now });
    }
  }
  return { retrying, failed, changed };
}

/** Less than this before a row's give-up time, another try is not worth a call: it fails. */
const LAST_TRY_MS = 5_000;

/**
 * When a failed row is tried next, or null to give up. With a give-up time the back-off is kept
 * but never carries a try past it: a platform that recovers just before a 叫应's deadline still
 * gets the card out (the try comes halfway to the deadline instead).
 */
function nextTry(r: ClaimedRow, attempts: number, at: Date, now: Date, maxAttempts: number): number | null {
  if (r.giveUpAt === null) return attempts >= maxAttempts ? null : at.getTime();
  const left = r.giveUpAt.getTime() - now.getTime();
  if (left < LAST_TRY_MS) return null;
  return Math.min(at.getTime(), now.getTime() + Math.floor(left / 2));
}

/** Not sent at all (a rate limit, the lease running short, shutdown): back to `pending`, the attempt not counted. */
export function release(tx: EntityManager, token: string, rows: readonly ClaimedRow[], until: Date, now: Date): Promise<number> {
  return settle(tx, token, rows, { status: "pending", nextAttemptAt: until, attempts: () => "attempts - 1", updatedAt: now });
}

/**
 * The channel cannot send at all until an operator fixes a setting: back to `pending` at `until`,
 * the attempt not counted, so messages wait out the fix instead of using up their attempts.
 */
export function recordPaused(tx: EntityManager, token: string, rows: readonly ClaimedRow[], failure: Failure, until: Date, now: Date): Promise<number> {
  return settle(tx, token, rows, {
    status: "pending",
    nextAttemptAt: until,
    attempts: () => "attempts - 1",
    errorCode: failure.code,
    lastError: `渠道配置有误，暂停发送，修正后自动补发：${failure.message}`.slice(0, 500),
    updatedAt: now,
  });
}
