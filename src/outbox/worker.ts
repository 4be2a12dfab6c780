import { randomUUID } from "node:crypto";
import type { ChannelId, ChannelSender } from "../channels/channel";
import type { Clock } from "../clock";
import type { Config } from "../config";
import type { Database } from "../db/Database";
import { failureCode, isMysqlFamily } from "../db/dialect";
import { isDbUnavailable } from "../db/unavailable";
import { LANE_PRIORITY, LANES, QUIET_HOURS_LANES } from "../domain/outbox/lanes";
import { parseQuietHours, type QuietHours, quietUntil } from "../domain/outbox/quietHours";
import type { KeyValue, Lock } from "../kv";
import type { Logger } from "../log";
import { type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff";
import { claimDue, recoverExpired } from "./claim";
import { type DispatchContext, dispatchGroup, type Tally } from "./dispatch";
import { sendInOrder } from "./inOrder";
import { type LimitTable, RateLimiter } from "./rateLimits";

/** Tuning knobs; the defaults suit production, tests shorten them. */
export interface OutboxWorkerOptions {
  /** How long a claim holds its rows; after it a crashed worker's rows are taken over. */
  leaseMs: number;
  /** The worker stops waiting for a send after this; longer than a sender's worst call chain, well under `leaseMs`. */
  sendTimeoutMs: number;
  backoff: BackoffPolicy;
  limits: LimitTable;
  /** Most rows one claim takes: the largest call a channel allows. */
  maxRowsPerClaim: number;
  /**
   * Groups (≈ send calls) under way at once, each person's in claim order (inOrder.ts). Below the
   * database pool (10): each may hold a connection to record its result while turns run.
   */
  concurrency: number;
  random: () => number;
}

export interface OutboxWorkerDeps {
  db: Database;
  kv: KeyValue;
  clock: Clock;
  log: Logger;
  /**
   * The enabled channels' senders. Only their deliveries are claimed: another channel's stay
   * `pending` for an instance that has its sender (or for this one once it is configured).
   */
  senders: ReadonlyMap<ChannelId, ChannelSender>;
  /** The channels' sending limits (src/channels/registry.ts `channelLimits`); none when left out. */
  limits?: LimitTable;
  config: Pick<Config, "outbox" | "instanceId">;
  options?: Partial<OutboxWorkerOptions>;
}

/** What one drain did; `skipped` when another worker owns a SQLite outbox. */
export interface DrainReport extends Tally {
  rounds: number;
  recovered: number;
  skipped?: "another_worker";
}

const MAX_ROUNDS_PER_DRAIN = 1000;

/**
 * Giving up on a call that then succeeds means a resend, so the worker outwaits the sender's
 * longest chain. WeChat Work allows HTTP_TIMEOUT_MS = 10 s per HTTP call (api.ts), and one send
 * may make four: gettoken when no token is cached (10 s), the send (10 s), and after a refused
 * token a second gettoken (10 s) and the retried send (10 s) = 40 s, plus kv reads and the token
 * lock: 45 s. A file send's uploads can still outlast it; then the resend's duplicate check is
 * the guard. The dispatcher starts no call with less than this left of the 60 s lease, so no
 * other worker takes the rows over while the call may still land.
 */
export const SEND_TIMEOUT_MS = 45_000;

/** How long a claim holds its rows: a send timeout plus room for recording the result. */
export const LEASE_MS = 60_000;

/** How long `soon` lets replies gather before a drain claims them together. */
const SOON_MS = 20;
/** Drains brought forward by `soon` return crashed workers' rows at most this often (a poll's drain always does). */
const RECOVER_EVERY_MS = 1_000;

/** See `OutboxWorkerOptions.concurrency`. */
export const SEND_CONCURRENCY = 4;

const SINGLE_WORKER_LOCK = "outbox:worker";

/** Longest wait between polls while the database is away: its return is noticed within this. */
const OUTAGE_POLL_MAX_MS = 5_000;

/**
 * Sends what the outbox holds: claims due deliveries lane by lane, sends them through the
 * channel senders within the platforms' limits, records every answer and retries what failed
 * for a passing reason. One runs in every instance; on SQLite only one may run at a time.
 */
export class OutboxWorker {
  private readonly options: OutboxWorkerOptions;
  private readonly quiet: QuietHours;
  private readonly limiter: RateLimiter;
  private readonly inFlight = new Set<Promise<DrainReport>>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private lock: Lock | null = null;
  private claims = 0;
  /** `soon` came while a drain was under way: the next one starts after `SOON_MS` instead of `pollMs`. */
  private again = false;
  /** When the pending poll fires (performance.now()). */
  private timerDue = 0;
  /** The pending drain was brought forward by `soon`. */
  private bySoon = false;
  /** When the last drain returned crashed workers' rows (performance.now()). */
  private recoveredAt = -Infinity;
  /** Set while the database cannot be reached: polls slow down and the log says so once, not every poll. */
  private outage: { since: number; misses: number } | undefined;

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.options = {
      leaseMs: LEASE_MS,
      sendTimeoutMs: SEND_TIMEOUT_MS,
      backoff: DEFAULT_BACKOFF,
      limits: deps.limits ?? {},
      maxRowsPerClaim: Math.max(1, ...[...deps.senders.values()].map((s) => s.maxRecipientsPerCall)),
      concurrency: SEND_CONCURRENCY,
      random: Math.random,
      ...deps.options,
    };
    if (this.options.sendTimeoutMs >= this.options.leaseMs) throw new Error("outbox: sendTimeoutMs must be shorter than leaseMs");
    this.quiet = parseQuietHours(deps.config.outbox.quietHours);
    this.limiter = new RateLimiter(deps.kv, this.options.limits);
  }

  /** Starts polling every `config.outbox.pollMs`; does nothing when the outbox is disabled. */
  start(): void {
    if (this.started || !this.deps.config.outbox.enabled) return;
    this.started = true;
    this.schedule(0);
  }

  /**
   * Drains within `SOON_MS` instead of at the next poll, for a message someone is waiting on (the
   * bot's reply to what they just wrote): at the default 500 ms poll, an idle instance's replies
   * waited 250 ms on average for it. The short wait gathers the replies of a busy moment into one
   * claim, as the poll does, instead of a claim each. Call after the transaction that stored the
   * message has committed. Only this instance's worker hears it; the others poll as before.
   */
  soon(): void {
    if (!this.started || this.stopping) return;
    if (!this.timer) {
      this.again = true; // a drain is under way: it may have claimed before the message committed
      return;
    }
    if (this.timerDue - performance.now() <= SOON_MS) return;
    clearTimeout(this.timer);
    this.bySoon = true;
    this.schedule(SOON_MS);
  }

  /** Stops polling and waits for the send in flight; claimed rows not yet sent go back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
    await this.lock?.release().catch(() => false);
    this.lock = null;
  }

  /** Sends everything due at `now` (default: the clock at each step) and reports what happened. */
  drainOnce(now?: Date): Promise<DrainReport> {
    return this.track(this.drain(now, true));
  }

  private track(run: Promise<DrainReport>): Promise<DrainReport> {
    this.inFlight.add(run);
    return run.finally(() => this.inFlight.delete(run));
  }

  /** `recover`: first return the rows of crashed workers (`recoverExpired`, seven statements). */
  private async drain(now: Date | undefined, recover: boolean): Promise<DrainReport> {
    const at = () => now ?? this.deps.clock.now();
    const report: DrainReport = { rounds: 0, recovered: 0, calls: 0, sent: 0, invalid: 0, failed: 0, retrying: 0, deferred: 0, released: 0, paused: 0 };
    if (this.stopping) return report;
    if (!(await this.ownsOutbox())) return { ...report, skipped: "another_worker" };
    const { maxAttempts, batch } = this.deps.config.outbox;
    if (recover) {
      report.recovered = await recoverExpired(this.deps.db, at(), maxAttempts);
      this.recoveredAt = performance.now();
    }
    const ctx: DispatchContext = { ...this.options, db: this.deps.db, log: this.deps.log, senders: this.deps.senders, limiter: this.limiter, quiet: this.quiet, maxAttempts, at, stopping: () => this.stopping };
    while (!this.stopping && report.rounds < MAX_ROUNDS_PER_DRAIN) {
      // A long drain renews the SQLite single-worker lock as it goes.
      if (report.rounds > 0 && !(await this.ownsOutbox())) break;
      const claimedAt = at();
      const quiet = quietUntil(claimedAt, this.quiet) !== null;
      const priorities = (quiet ? QUIET_HOURS_LANES : LANES).map((lane) => LANE_PRIORITY[lane]);
      const token = this.nextToken();
      const channels = [...this.deps.senders.keys()];
      const claim = await claimDue(this.deps.db, { now: claimedAt, token, leaseMs: this.options.leaseMs, maxRows: this.options.maxRowsPerClaim, maxGroups: batch, priorities, channels });
      if (claim.groups.length === 0) break;
      report.rounds += 1;
      await sendInOrder(claim.groups, this.options.concurrency, async (group) => {
        try {
          await dispatchGroup(ctx, claim, group, report);
        } catch (err) {
          // The rows stay claimed; when the lease runs out they are resent with the duplicate check.
          this.deps.log.error({ err: (err as Error).message, messageId: group.messageId, channel: group.channel }, "outbox dispatch failed");
        }
      });
    }
    return report;
  }

  /** SQLite has one worker: a kv lock, renewed on every drain, keeps a second one idle. */
  private async ownsOutbox(): Promise<boolean> {
    if (isMysqlFamily(this.deps.db.manager)) return true;
    const ttl = Math.max(2 * this.options.leaseMs, 10 * this.deps.config.outbox.pollMs);
    if (this.lock && (await this.lock.extend(ttl))) return true;
    this.lock = await this.deps.kv.acquireLock(SINGLE_WORKER_LOCK, ttl);
    if (!this.lock) this.deps.log.debug("outbox: another worker owns this SQLite outbox");
    return this.lock !== null;
  }

  private nextToken(): string {
    this.claims += 1;
    return `${this.deps.config.instanceId.slice(0, 32)}:${randomUUID().slice(0, 8)}:${this.claims}`;
  }

  private schedule(ms: number): void {
    this.timerDue = performance.now() + ms;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    const { pollMs } = this.deps.config.outbox;
    let wait = pollMs;
    try {
      // A drain that `soon` brought forward skips the recovery unless it is due: under load replies
      // bring one every few milliseconds, and a lease runs for a minute.
      const recover = !this.bySoon || performance.now() - this.recoveredAt >= RECOVER_EVERY_MS;
      this.bySoon = false;
      await this.track(this.drain(undefined, recover));
      if (this.outage) {
        this.deps.log.info({ downMs: Math.round(performance.now() - this.outage.since) }, "outbox: database reachable again, sending resumes");
        this.outage = undefined;
      }
    } catch (err) {
      if (isDbUnavailable(err)) {
        if (!this.outage) this.deps.log.warn({ code: failureCode(err) }, "outbox: database unavailable, polling slower until it answers");
        this.outage ??= { since: performance.now(), misses: 0 };
        this.outage.misses += 1;
        wait = Math.min(pollMs * 2 ** Math.min(this.outage.misses, 16), Math.max(pollMs, OUTAGE_POLL_MAX_MS));
      } else {
        this.deps.log.error({ err: (err as Error).message }, "outbox drain failed");
      }
    }
    if (this.again && !this.outage && wait > SOON_MS) {
      wait = SOON_MS;
      this.bySoon = true;
    }
    this.again = false;
    if (!this.stopping) this.schedule(wait);
  }
}
