import { type ChannelId, type ChannelSender, isConfidential, type OutboundMessage, type SendResult } from "../channels/channel";
import type { Database } from "../db/Database";
import { deferForQuietHours, type QuietHours } from "../domain/outbox/quietHours";
import type { Logger } from "../log";
import { type BackoffPolicy, classifyFailure, retryDelayMs, SendTimeoutError } from "./backoff";
import type { Claim, ClaimedGroup, ClaimedRow } from "./claim";
import type { RateLimiter } from "./rateLimits";
import { isOneStatement, recordFailed, recordPaused, recordRetry, recordSent, release, sealDelivered } from "./record";
import { chunk, shortTransaction, shortWrite } from "./shortTx";
import { callProgress } from "./progress";
import { countSend } from "../metrics/metrics";

/** What sending one claimed group needs from the worker. */
export interface DispatchContext {
  db: Database;
  log: Logger;
  senders: ReadonlyMap<ChannelId, ChannelSender>;
  limiter: RateLimiter;
  quiet: QuietHours;
  maxAttempts: number;
  sendTimeoutMs: number;
  backoff: BackoffPolicy;
  random: () => number;
  /** The time to act on: the drain's fixed `now` in tests, the clock otherwise. */
  at: () => Date;
  stopping: () => boolean;
}

/** Counts for one drain, added to as groups are sent. */
export interface Tally {
  calls: number;
  sent: number;
  invalid: number;
  failed: number;
  retrying: number;
  deferred: number;
  released: number;
  /** Put back because the channel's settings are wrong (see CHANNEL_PAUSE_MS). */
  paused: number;
}

// When the kv that holds the rate counters is unreachable, sending blind risks WeChat Work's
// silent drops; waiting a little is the safe side.
const KV_DOWN_RETRY_MS = 5_000;

/**
 * How long a channel's deliveries wait after a configuration error (WeChat Work 60020 untrusted
 * IP, 40001 wrong secret, 48002 no permission…). Every message would fail the same way until an
 * operator fixes the setting, so failing them would lose every 叫应 sent meanwhile; they wait,
 * uncounted, and one call per message every 5 minutes finds out when the fix is in — soon enough
 * for a 叫应, cheap for the platform (the token cache also holds back gettoken after such errors).
 */
export const CHANNEL_PAUSE_MS = 5 * 60_000;

/** Sends one group in calls of ≤ maxRecipientsPerCall, honouring the lease, shutdown and rate limits. */
export async function dispatchGroup(ctx: DispatchContext, claim: Claim, group: ClaimedGroup, tally: Tally): Promise<void> {
  const sender = group.channel === null ? undefined : ctx.senders.get(group.channel);
  if (!sender) {
    // The claim takes only channels this worker can send; should one slip through, an instance
    // that can send it must still get the chance, so it goes back untouched.
    tally.released += await shortTransaction(ctx.db, (tx) => release(tx, claim.token, group.rows, ctx.at(), ctx.at()));
    ctx.log.error({ channel: group.channel, messageId: group.messageId }, "outbox claimed a delivery without a sender; released");
    return;
  }
  const message = JSON.parse(group.payload) as OutboundMessage;
  const calls = chunk(group.rows, Math.max(1, sender.maxRecipientsPerCall));
  for (let i = 0; i < calls.length; i++) {
    // Never start a call the lease might not outlast: another worker could take the rows over mid-call.
    if (ctx.stopping() || ctx.at().getTime() + ctx.sendTimeoutMs > claim.until.getTime()) {
      const rest = calls.slice(i).flat();
      tally.released += await shortTransaction(ctx.db, (tx) => release(tx, claim.token, rest, ctx.at(), ctx.at()));
      return;
    }
    await sendCall(ctx, claim, group, sender, message, calls[i], tally);
  }
}

async function sendCall(ctx: DispatchContext, claim: Claim, group: ClaimedGroup, sender: ChannelSender, message: OutboundMessage, rows: ClaimedRow[], tally: Tally): Promise<void> {
  const admitted = await admit(ctx, claim, group, sender.id, rows, tally);
  if (admitted.length === 0) return;
  // Recipients a sender reports reached part-way are recorded then; what follows is about the rest.
  const progress = callProgress(ctx, claim.token, admitted, tally);
  let allowed = admitted;
  const started = process.hrtime.bigint();
  const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
  let result: SendResult;
  try {
    const call = Promise.resolve().then(() => sender.send(admitted.map((r) => r.recipient), message, { resend: group.resend, delivered: progress.delivered }));
    result = await withTimeout(call, ctx.sendTimeoutMs);
  } catch (err) {
    const failure = classifyFailure(err);
    allowed = progress.rest();
    const now = ctx.at();
    tally.calls += 1;
    if (failure.configProblem) {
      const until = deferForQuietHours(new Date(now.getTime() + CHANNEL_PAUSE_MS), group.lane, ctx.quiet);
      tally.paused += await shortTransaction(ctx.db, (tx) => recordPaused(tx, claim.token, allowed, failure, until, now));
      // The code only: the message text is for the rows, and operators find the meaning by code.
      ctx.log.error({ channel: sender.id, code: failure.code, recipients: allowed.length, messageId: group.messageId, until }, "outbox channel paused: configuration problem");
      logCall(ctx.log, group, allowed.length, ms(), "paused", failure.code);
      return;
    }
    if (!failure.retryable) {
      await shortTransaction(ctx.db, (tx) => recordFailed(tx, claim.token, allowed, failure.code, failure.message, now));
      tally.failed += allowed.length;
      logCall(ctx.log, group, allowed.length, ms(), "failed", failure.code);
      return;
    }
    const jitter = ctx.random();
    const retryAt = (attempts: number, lane: ClaimedRow["lane"]) =>
      deferForQuietHours(new Date(now.getTime() + retryDelayMs(attempts, ctx.backoff, () => jitter, failure.retryAfterMs)), lane, ctx.quiet);
    const outcome = await shortTransaction(ctx.db, (tx) => recordRetry(tx, claim.token, allowed, failure, now, ctx.maxAttempts, retryAt));
    tally.retrying += outcome.retrying;
    tally.failed += outcome.failed;
    logCall(ctx.log, group, allowed.length, ms(), outcome.failed ? "failed" : "retry", failure.code);
    return;
  }
  tally.calls += 1;
  allowed = progress.rest();
  const outcome =
    isConfidential(message) || !isOneStatement(allowed, result)
      ? await shortTransaction(ctx.db, async (tx) => {
          const recorded = await recordSent(tx, claim.token, allowed, result, ctx.at());
          if (isConfidential(message)) await sealDelivered(tx, group.messageId);
          return recorded;
        })
      : await shortWrite(ctx.db, (manager) => recordSent(manager, claim.token, allowed, result, ctx.at()));
  tally.sent += outcome.sent;
  tally.invalid += outcome.invalid;
  if (outcome.changed < allowed.length) ctx.log.warn({ messageId: group.messageId, rows: allowed.length, changed: outcome.changed }, "outbox lease lost before the result was recorded");
  logCall(ctx.log, group, allowed.length, ms(), outcome.invalid ? "partial" : "sent");
}

/** Rows a rate limit holds back go back to `pending` until their window ends; the rest may be sent now. */
async function admit(ctx: DispatchContext, claim: Claim, group: ClaimedGroup, channel: ChannelId, rows: ClaimedRow[], tally: Tally): Promise<ClaimedRow[]> {
  const now = ctx.at();
  const byRecipient = new Map(rows.map((r) => [r.recipient, r]));
  let admission;
  try {
    admission = await ctx.limiter.admit(channel, [...byRecipient.keys()], now);
  } catch (err) {
    ctx.log.error({ err: (err as Error).message, channel }, "outbox rate limits unavailable; sending postponed");
    tally.released += await shortTransaction(ctx.db, (tx) => release(tx, claim.token, rows, new Date(now.getTime() + KV_DOWN_RETRY_MS), now));
    return [];
  }
  if (admission.deferred.length) {
    await shortTransaction(ctx.db, async (tx) => {
      for (const d of admission.deferred) {
        const held = d.recipients.map((r) => byRecipient.get(r) as ClaimedRow);
        tally.deferred += await release(tx, claim.token, held, deferForQuietHours(d.until, group.lane, ctx.quiet), now);
      }
    });
    ctx.log.info({ channel, lane: group.lane, messageId: group.messageId, deferred: admission.deferred.map((d) => ({ limit: d.limit, recipients: d.recipients.length, until: d.until })) }, "outbox rate limit: deferred");
  }
  return admission.allowed.map((r) => byRecipient.get(r) as ClaimedRow);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The one metrics line per send call; recipients are counted, never named, and contents never logged. */
function logCall(log: Logger, group: ClaimedGroup, recipients: number, ms: number, result: string, code?: string): void {
  log.info({ channel: group.channel, lane: group.lane, recipients, ms, result, code, resend: group.resend, messageId: group.messageId }, "outbox send");
  countSend(group.channel ?? "none", group.lane, result, code);
}
