import type { FakeState } from "./state";

/** The fake's settings: the app's credentials as a county would configure them. */
export interface FakeConfig {
  corpId: string;
  agentId: number;
  secret: string;
  /** Seconds a token lives (7200 on the real platform). */
  tokenTtlS: number;
  /** When false, user/get leaves mobile out, as for apps created after 2022-06-20 without consent. */
  revealMobile: boolean;
  /**
   * Person-times the app may send per natural day (Asia/Shanghai): licensed headcount × 200 on
   * the real platform. Past it message/send answers 45009 until the next day. Unset: no quota.
   */
  dailyQuota?: number;
}

/** One API request as the handlers see it. */
export interface FakeRequest {
  method: string;
  /** Path under /cgi-bin, e.g. `message/send`. */
  api: string;
  query: Record<string, string>;
  /** The JSON body, when the request sent one. */
  json?: Record<string, unknown>;
  raw: Buffer;
  contentType: string;
}

export type FakeReply = { json: Record<string, unknown> } | { status: number; headers?: Record<string, string>; body: Buffer | string };

export type FakeHandler = (req: FakeRequest, state: FakeState, config: FakeConfig) => FakeReply;

/** An error reply the way WeChat Work words them (errmsg with a hint and a link). */
export function fail(errcode: number, what: string): FakeReply {
  const hint = Math.random().toString(36).slice(2, 12);
  return { json: { errcode, errmsg: `${what}, hint: [${hint}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}` } };
}

export const ok = (fields: Record<string, unknown> = {}): FakeReply => ({ json: { errcode: 0, errmsg: "ok", ...fields } });

/**
 * Error codes the fake uses where the reviewed material names none (shape errors, spent
 * response codes, unknown msgids). Real numbers may differ; tests should rely on the class
 * (permanent vs retryable), not on these values.
 */
export const FAKE_CODES = {
  invalidParameter: 40058,
  spentResponseCode: 40078,
  unknownMsgid: 40058,
} as const;
