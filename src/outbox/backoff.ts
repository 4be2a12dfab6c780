import { ChannelError } from "../channels/channel";

/** Exponential back-off between attempts of one delivery. */
export interface BackoffPolicy {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** No single wait is longer; keeps the whole retry horizon inside WeChat Work's 4 h duplicate-check window. */
  capMs: number;
}

// 10 s, 20 s, 40 s … capped at 30 min: 8 attempts span about 45 minutes at most.
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, capMs: 30 * 60_000 };

/**
 * How long to wait after the `attempts`-th failed attempt. "Equal jitter": half the exponential
 * delay is fixed, half random, so a burst of failures does not come back as a burst of retries
 * yet no retry comes back almost at once. `minimumMs` honours a platform's own "retry after".
 */
export function retryDelayMs(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random, minimumMs = 0): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const delay = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.max(delay, minimumMs);
}

/** What the worker makes of a failed send. */
export interface Failure {
  retryable: boolean;
  /** Stored in `error_code`: the platform's code, `timeout` or `error`. */
  code: string;
  /** Stored in `last_error`; never message contents. */
  message: string;
  retryAfterMs?: number;
  /** Only an operator can fix it (see ChannelError): the channel pauses, the message is not at fault. */
  configProblem?: boolean;
}

/** The worker gave up waiting; the platform may or may not have accepted the call. */
export class SendTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`发送超时（${ms} 毫秒无应答），结果未知`);
    this.name = "SendTimeoutError";
  }
}

/**
 * Platform refusals marked permanent fail at once; everything else — retryable platform codes,
 * timeouts, network errors, unknown exceptions — is retried, because a delivery given up too early
 * is lost while a resend is suppressed by the platform's duplicate check.
 */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof ChannelError) {
    return { retryable: err.retryable, code: err.code.slice(0, 32), message: `${err.code}：${err.message}`, retryAfterMs: err.retryAfterMs, ...(err.configProblem ? { configProblem: true } : {}) };
  }
  if (err instanceof SendTimeoutError) return { retryable: true, code: "timeout", message: err.message };
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { retryable: true, code: "error", message: `发送出错：${text}` };
}
