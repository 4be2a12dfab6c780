import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from "axios";
import type { KeyValue } from "../../kv";
import type { Logger } from "../../log";
import { AccessTokenCache, type FetchedToken } from "../tokenCache";
import { TOKEN_ERRCODES, WecomError, errcodeError, httpStatusError, transportError } from "./wecomError";

/**
 * Per HTTP call. One send may make up to four calls (see the outbox worker's SEND_TIMEOUT_MS,
 * which must stay above their sum).
 */
export const HTTP_TIMEOUT_MS = 10_000;

/** Every reply of the server API carries these; business fields come alongside. */
export interface WecomReply {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

/** Bytes from a download API, with what the platform said they are. */
export interface Downloaded {
  bytes: Buffer;
  contentType: string;
  /** From `Content-Disposition`, when the platform sent one. */
  filename?: string;
}

export interface WecomApiOptions {
  corpId: string;
  agentId: number;
  secret: string;
  /** `config.wecom.apiBase`: the real host, or the loopback fake in tests. */
  apiBase: string;
  kv: KeyValue;
  log?: Logger;
  /** Per-call HTTP timeout; 10 s by default. */
  timeoutMs?: number;
}

/**
 * The WeChat Work server API of one self-built app: one axios instance, the shared access token,
 * and the rule for refused tokens (drop, refresh once, retry once). Every failure becomes a
 * `WecomError`; every call is logged as `{api, ms, errcode}` and nothing else — URLs carry the
 * token and bodies carry message contents.
 */
export class WecomApi {
  readonly corpId: string;
  readonly agentId: number;
  private readonly http: AxiosInstance;
  private readonly tokens: AccessTokenCache;
  private readonly secret: string;
  private readonly log?: Logger;

  constructor(options: WecomApiOptions) {
    this.corpId = options.corpId;
    this.agentId = options.agentId;
    this.secret = options.secret;
    this.log = options.log;
    const timeout = options.timeoutMs ?? HTTP_TIMEOUT_MS;
    // Statuses are judged here, not by axios, so that an error never carries the request URL around.
    // The server API answers in place, never by redirect: without redirects axios uses Node's own
    // http module instead of wrapping every send in follow-redirects (≈ 4 % of an instance's CPU
    // when it sends 300 replies a second).
    this.http = axios.create({ baseURL: `${options.apiBase.replace(/\/+$/, "")}/cgi-bin`, timeout, validateStatus: () => true, maxRedirects: 0 });
    this.tokens = new AccessTokenCache({
      channel: "wecom",
      kv: options.kv,
      key: `wecom:token:${options.corpId}:${options.agentId}`,
      busyError: () => new WecomError("wecom_token_busy", "等待企业微信 access_token 刷新超时，请稍后重试", true, { api: "gettoken" }),
      fetch: () => this.fetchToken(),
      log: options.log,
      lockTtlMs: timeout + 5_000,
    });
  }

  /** `GET /cgi-bin/<api>` with the access token. */
  get<T extends WecomReply>(api: string, params: Record<string, string | number> = {}): Promise<T> {
    return this.withToken((token) => this.json<T>(api, { method: "GET", params: { ...params, access_token: token } }));
  }

  /** `POST /cgi-bin/<api>` with a JSON body and the access token. */
  post<T extends WecomReply>(api: string, body: unknown, params: Record<string, string | number> = {}): Promise<T> {
    return this.withToken((token) => this.json<T>(api, { method: "POST", data: body, params: { ...params, access_token: token } }));
  }

  /** `POST /cgi-bin/<api>` with a multipart form (media upload). */
  upload<T extends WecomReply>(api: string, form: FormData, params: Record<string, string | number> = {}): Promise<T> {
    return this.withToken((token) => this.json<T>(api, { method: "POST", data: form, params: { ...params, access_token: token } }));
  }

  /**
   * `GET /cgi-bin/<api>` answered with bytes. The platform reports errors as a JSON body with
   * status 200, so the content type is checked before anything is treated as the file.
   */
  download(api: string, params: Record<string, string | number>, maxBytes: number): Promise<Downloaded> {
    return this.withToken(async (token) => {
      const config: AxiosRequestConfig = { method: "GET", params: { ...params, access_token: token }, responseType: "arraybuffer", maxContentLength: maxBytes };
      const res = await this.request(api, config, (r) => (isJsonLike(r) ? parseErrcode(r.data) : 0));
      if (isJsonLike(res)) {
        // A JSON body is the platform's error; a text body that is not JSON is no file we keep either.
        const reply = parseBody(res.data);
        if (!reply || !Number(reply.errcode)) throw new WecomError("wecom_media_type", `企业微信接口 ${api} 返回了文本而不是文件`, false, { api });
        throw this.replyError(api, reply);
      }
      return { bytes: Buffer.from(res.data as ArrayBuffer), contentType: String(res.headers["content-type"] ?? ""), filename: filenameOf(res.headers["content-disposition"]) };
    });
  }

  /** gettoken without the cache: for `npm run doctor`, which must see the platform's own answer. */
  fetchTokenUncached(): Promise<FetchedToken> {
    return this.fetchToken();
  }

  private async fetchToken(): Promise<FetchedToken> {
    const reply = await this.json<WecomReply>("gettoken", { method: "GET", params: { corpid: this.corpId, corpsecret: this.secret } });
    if (typeof reply.access_token !== "string" || reply.access_token === "") {
      throw new WecomError("wecom_bad_response", "企业微信 gettoken 未返回 access_token", true, { api: "gettoken" });
    }
    return { token: reply.access_token, expiresInS: Number(reply.expires_in) || 7200 };
  }

  /** Runs a call with the shared token; a refused token is dropped and the call retried exactly once. */
  private async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.tokens.get();
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof WecomError) || err.errcode === undefined || !TOKEN_ERRCODES.has(err.errcode)) throw err;
      await this.tokens.invalidate(token);
      return call(await this.tokens.get());
    }
  }

  private async json<T extends WecomReply>(api: string, config: AxiosRequestConfig): Promise<T> {
    const res = await this.request(api, { ...config, responseType: "json" }, (r) => parseErrcode(r.data));
    const reply = parseBody(res.data);
    if (reply === null) throw new WecomError("wecom_bad_response", `企业微信接口 ${api} 返回的内容无法识别`, true, { api, httpStatus: res.status });
    if (reply.errcode !== undefined && reply.errcode !== 0) throw this.replyError(api, reply);
    return reply as T;
  }

  /** One HTTP exchange: timed, logged, and with transport failures and bad statuses turned into WecomErrors. */
  private async request(api: string, config: AxiosRequestConfig, errcodeOf: (res: AxiosResponse) => number | undefined): Promise<AxiosResponse> {
    const started = performance.now();
    let res: AxiosResponse;
    try {
      res = await this.http.request({ ...config, url: `/${api}` });
    } catch (err) {
      const failure = isTooLarge(err)
        ? new WecomError("wecom_media_too_large", `企业微信接口 ${api} 返回的文件超过大小上限`, false, { api })
        : transportError(api, err);
      this.log?.warn({ channel: "wecom", api, ms: Math.round(performance.now() - started), code: failure.code }, "wecom call failed");
      throw failure;
    }
    const errcode = res.status === 200 ? errcodeOf(res) : undefined;
    const line = { channel: "wecom", api, ms: Math.round(performance.now() - started), status: res.status, ...(errcode !== undefined ? { errcode } : {}) };
    if (res.status !== 200 || (errcode ?? 0) !== 0) this.log?.warn(line, "wecom call");
    else this.log?.info(line, "wecom call");
    if (res.status !== 200) throw httpStatusError(api, res.status);
    return res;
  }

  private replyError(api: string, reply: WecomReply | null): WecomError {
    if (!reply) return new WecomError("wecom_bad_response", `企业微信接口 ${api} 返回的内容无法识别`, true, { api });
    return errcodeError(api, Number(reply.errcode ?? -1), String(reply.errmsg ?? ""));
  }
}

function isJsonLike(res: AxiosResponse): boolean {
  return /^(application\/json|text\/plain|text\/json)/i.test(String(res.headers["content-type"] ?? ""));
}

function parseBody(data: unknown): WecomReply | null {
  if (data && typeof data === "object" && !(data instanceof ArrayBuffer) && !Buffer.isBuffer(data)) return data as WecomReply;
  const text = typeof data === "string" ? data : data ? Buffer.from(data as ArrayBuffer).toString("utf8") : "";
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as WecomReply) : null;
  } catch {
    return null;
  }
}

function parseErrcode(data: unknown): number | undefined {
  const reply = parseBody(data);
  return reply ? Number(reply.errcode ?? 0) : undefined;
}

function isTooLarge(err: unknown): boolean {
  return /maxContentLength/i.test((err as Error)?.message ?? "");
}

/** `attachment; filename="a.jpg"` or RFC 5987 `filename*=UTF-8''…`. */
function filenameOf(header: unknown): string | undefined {
  const value = String(header ?? "");
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(value);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(value);
  return plain ? plain[1].trim() : undefined;
}
