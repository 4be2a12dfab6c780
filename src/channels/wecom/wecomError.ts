import { ChannelError } from "../channel";

/**
 * WeChat Work's error codes as this client treats them. Sources: 全局错误码
 * https://developer.work.weixin.qq.com/document/path/90313 and docs/PROTOCOLS.md §2.6.
 */

/** Worth retrying with back-off: the platform was busy or rate-limited us. */
const RETRYABLE = new Set([-1, 45009, 45033]);

/** The access token was refused: drop it, fetch a new one and retry once. */
export const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

/** 45009: a minute limit blocks for 60 s (an hour limit for longer; the outbox backs off further on repeats). */
const PAUSE_MS: Record<number, number> = { 45009: 60_000, 45033: 1_000 };

/** Codes that only an operator can fix (wrong setting, missing permission, untrusted IP). */
const CONFIG = new Set([40013, 40056, 41002, 41004, 48002, 60011, 60020]);

/** Short Chinese meanings, for error messages people read. */
const MEANINGS: Record<number, string> = {
  [-1]: "企业微信系统繁忙",
  40001: "凭证无效（Secret 不正确或 access_token 无效）",
  40003: "成员账号（UserID）无效",
  40007: "媒体文件 ID 无效或已过期（有效期 3 天）",
  40013: "企业 ID（CorpID）无效",
  40014: "access_token 无效",
  40056: "应用 AgentId 无效",
  41001: "缺少 access_token",
  42001: "access_token 已过期",
  44004: "消息内容为空",
  45002: "消息内容超过长度限制",
  45009: "接口调用频率超过限制",
  45033: "接口并发调用超过限制",
  48002: "接口无权限调用",
  60011: "无权限访问该成员、部门或应用（检查应用可见范围）",
  60020: "服务器 IP 不在应用的“企业可信IP”列表中",
  60111: "成员不存在",
  60123: "部门不存在",
  81013: "接收人（成员、部门、标签）全部无效",
  830002: "媒体文件过大，需分段下载",
};

export function meaningOf(errcode: number): string {
  return MEANINGS[errcode] ?? "企业微信返回错误";
}

/** What went wrong with one call, beyond what every ChannelError says. */
export interface WecomErrorDetails {
  /** The API path under /cgi-bin, e.g. `message/send`. */
  api: string;
  errcode?: number;
  httpStatus?: number;
  /** The platform's own text (English, never carries tokens); kept for operators. */
  errmsg?: string;
  /** True when only a changed setting can help, so retrying every message is pointless. */
  configProblem?: boolean;
  /** The least pause before a retry can succeed. */
  retryAfterMs?: number;
}

/** A failed WeChat Work call. `code` is `wecom_<errcode>`, `wecom_http_<status>`, `wecom_timeout`, … */
export class WecomError extends ChannelError {
  readonly api: string;
  readonly errcode?: number;
  readonly httpStatus?: number;
  readonly errmsg?: string;

  constructor(code: string, message: string, retryable: boolean, details: WecomErrorDetails) {
    super("wecom", code, message, retryable, details.retryAfterMs, details.configProblem ?? false);
    this.name = "WecomError";
    this.api = details.api;
    this.errcode = details.errcode;
    this.httpStatus = details.httpStatus;
    this.errmsg = details.errmsg;
  }
}

/** The error for a reply that carried a non-zero errcode. */
export function errcodeError(api: string, errcode: number, errmsg = ""): WecomError {
  if (api === "gettoken" && errcode === 40001) {
    // From gettoken itself 40001 means the secret is wrong: a setting to fix, never a retry loop.
    return new WecomError("wecom_40001", "企业微信应用 Secret（WECOM_SECRET）不正确，无法获取 access_token；请在管理后台“应用管理 → 自建应用”中查看 Secret 后重新设置。", false, {
      api,
      errcode,
      errmsg,
      configProblem: true,
    });
  }
  // Token codes reach callers only after the one refresh-and-retry failed too; the next attempt refreshes again.
  const retryable = RETRYABLE.has(errcode) || TOKEN_ERRCODES.has(errcode);
  return new WecomError(`wecom_${errcode}`, `企业微信接口 ${api} 调用失败：${meaningOf(errcode)}（错误码 ${errcode}）`, retryable, {
    api,
    errcode,
    errmsg,
    configProblem: CONFIG.has(errcode) || (api === "gettoken" && !RETRYABLE.has(errcode)),
    retryAfterMs: PAUSE_MS[errcode],
  });
}

/** The error for an HTTP status other than 200. */
export function httpStatusError(api: string, status: number): WecomError {
  return new WecomError(`wecom_http_${status}`, `企业微信接口 ${api} 返回 HTTP ${status}`, status >= 500 || status === 429, { api, httpStatus: status });
}

/** Timeouts and network failures: always retryable. The axios error is not kept, since its config holds the token. */
export function transportError(api: string, err: unknown): WecomError {
  const code = String((err as { code?: string })?.code ?? "");
  if (code === "ECONNABORTED" || code === "ETIMEDOUT" || /timeout/i.test((err as Error)?.message ?? "")) {
    return new WecomError("wecom_timeout", `企业微信接口 ${api} 响应超时`, true, { api });
  }
  return new WecomError("wecom_network", `无法连接企业微信接口 ${api}（${code || "网络错误"}）`, true, { api, errmsg: code });
}

/** A message we refuse to send because the platform would cut or reject it. Never retryable. */
export function invalidMessage(message: string): WecomError {
  return new WecomError("wecom_invalid_message", message, false, { api: "message/send" });
}
