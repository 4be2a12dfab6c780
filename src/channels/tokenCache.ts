import type { KeyValue } from "../kv";
import type { Logger } from "../log";
import { countTokenRefresh } from "../metrics/metrics";
import { ChannelError, CHANNEL_NAMES, type ChannelId } from "./channel";

/** What gettoken answered. */
export interface FetchedToken {
  token: string;
  expiresInS: number;
}

interface CachedToken {
  token: string;
  /** After this instant the token is no longer handed out (a margin before the platform's expiry). */
  expiresAt: number;
  /** From this instant one caller refreshes while the others keep using the current token. */
  refreshAt: number;
}

export interface AccessTokenCacheOptions {
  /** Whose token this is, for metrics, logs and errors. */
  channel: ChannelId;
  kv: KeyValue;
  /** kv key of the cached token, shared by every instance: `wecom:token:<corpId>:<agentId>`, `dingtalk:token:<appKey>`. */
  key: string;
  fetch: () => Promise<FetchedToken>;
  log?: Logger;
  /** How long a refresh may hold the lock; above the HTTP timeout so it cannot expire mid-call. */
  lockTtlMs?: number;
  /** How often a caller waiting for another's refresh re-reads the cache. */
  pollMs?: number;
  now?: () => number;
  /** The error a caller gets after waiting too long for another's refresh (the channel's own error type). */
  busyError?: () => Error;
}

/** Long enough to spare gettoken a burst of doomed calls, short enough to notice a corrected setting. */
const CONFIG_FAILURE_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The access token of one app, cached in the kv so every instance shares it: WeChat Work's token
 * and both of DingTalk's (oapi and v1.0) are kept alike. gettoken is itself rate-limited
 * (PROTOCOLS §2.6, §3.8), so only one caller in the fleet refreshes at a time, under a kv
 * lock; the others wait briefly and re-read. The token is refreshed ahead of its expiry, and a
 * token the platform refused is dropped with `invalidate`.
 */
export class AccessTokenCache {
  private readonly lockTtlMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  /** Callers in this process share one pending refresh instead of polling the kv each. */
  private pending?: Promise<string>;
  /** A wrong setting (a wrong secret, corp id or app key) fails every caller for a while without asking gettoken again. */
  private configFailure?: { error: Error; until: number };

  constructor(private readonly options: AccessTokenCacheOptions) {
    this.lockTtlMs = options.lockTtlMs ?? 15_000;
    this.pollMs = options.pollMs ?? 50;
    this.now = options.now ?? Date.now;
  }

  /** A usable token: the cached one, or a new one when there is none. */
  async get(): Promise<string> {
    if (this.configFailure && this.now() < this.configFailure.until) throw this.configFailure.error;
    const cached = await this.read();
    if (cached && this.now() < cached.refreshAt) return cached.token;
    if (cached) return this.refreshAhead(cached);
    this.pending ??= this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `token` after the platform refused it, unless another caller already replaced it. */
  async invalidate(token: string): Promise<void> {
    const cached = await this.read();
    if (cached?.token === token) await this.options.kv.del(this.options.key);
  }

  /** Within the refresh window: whoever gets the lock refreshes, everyone else keeps the current token. */
  private async refreshAhead(current: CachedToken): Promise<string> {
    const lock = await this.options.kv.acquireLock(this.options.key, this.lockTtlMs);
    if (!lock) return current.token;
    try {
      const again = await this.read();
      if (again && this.now() < again.refreshAt) return again.token;
      return await this.fetchAndStore();
    } catch (err) {
      // The current token is still valid; a failed early refresh is retried by the next caller.
      this.options.log?.warn({ channel: this.options.channel, api: "gettoken", code: (err as ChannelError).code }, "early token refresh failed");
      return current.token;
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  /** No usable token: take the lock and fetch, or wait for whoever holds it. */
  private async refresh(): Promise<string> {
    const deadline = this.now() + this.lockTtlMs + 2_000;
    for (;;) {
      const lock = await this.options.kv.acquireLock(this.options.key, this.lockTtlMs);
      if (lock) {
        try {
          const again = await this.read();
          if (again) return again.token;
          return await this.fetchAndStore();
        } finally {
          await lock.release().catch(() => undefined);
        }
      }
      await sleep(this.pollMs);
      const cached = await this.read();
      if (cached) return cached.token;
      if (this.now() > deadline) {
        const channel = this.options.channel;
        throw this.options.busyError?.() ?? new ChannelError(channel, `${channel}_token_busy`, `等待${CHANNEL_NAMES[channel]} access_token 刷新超时，请稍后重试`, true);
      }
    }
  }

  private async fetchAndStore(): Promise<string> {
    let fetched: FetchedToken;
    try {
      fetched = await this.options.fetch();
      countTokenRefresh(this.options.channel, true);
    } catch (err) {
      countTokenRefresh(this.options.channel, false);
      if ((err as { configProblem?: boolean }).configProblem) this.configFailure = { error: err as Error, until: this.now() + CONFIG_FAILURE_MS };
      throw err;
    }
    this.configFailure = undefined;
    const lifeMs = Math.max(1, fetched.expiresInS) * 1000;
    const now = this.now();
    // Stop handing the token out a little before the platform's expiry, and start refreshing well before that.
    const expiresAt = now + lifeMs - Math.min(60_000, lifeMs / 10);
    const refreshAt = now + lifeMs * 0.8;
    const entry: CachedToken = { token: fetched.token, expiresAt, refreshAt: Math.min(refreshAt, expiresAt) };
    await this.options.kv.set(this.options.key, JSON.stringify(entry), Math.max(1, Math.floor(expiresAt - now)));
    return fetched.token;
  }

  private async read(): Promise<CachedToken | null> {
    const raw = await this.options.kv.get(this.options.key);
    if (!raw) return null;
    try {
      const entry = JSON.parse(raw) as CachedToken;
      return typeof entry.token === "string" && this.now() < entry.expiresAt ? entry : null;
    } catch {
      return null;
    }
  }
}
