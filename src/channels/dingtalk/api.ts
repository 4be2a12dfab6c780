import axios, { type AxiosInstance, type AxiosRequestConfig } from "axios";
import { ChannelError } from "../channel";
import type { KeyValue } from "../../kv";
import type { Logger } from "../../log";
import { AccessTokenCache, type FetchedToken } from "../tokenCache";

/** Per HTTP call; a send makes at most three (token, send, send again after a refused token). */
export const HTTP_TIMEOUT_MS = 10_000;

/** Every `oapi` answer carries these; business fields come alongside. */
export interface OapiReply {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

/** Answers meaning the access token is invalid or expired: drop it, fetch a new one, retry once. */
const TOKEN_ERRCODES = new Set([40014, 42001, 41001]);
/** Throttling (PROTOCOLS §3.6, §3.8): per-app and per-corp QPM, system busy, global overload. */
const RETRYABLE_ERRCODES = new Set([-1, 143103, 143104, 90002, 90018, 90019]);
/** The platform's minute windows reset after 60 s. */
const THROTTLE_PAUSE_MS = 60_000;

export interface DingtalkApiOptions {
  appKey: string;
  appSecret: string;
  /** `config.dingtalk.oapiBase`: https://oapi.dingtalk.com, or the loopback fake in tests. */
  oapiBase: string;
  /** `config.dingtalk.apiBase`: https://api.dingtalk.com (the `v1.0` APIs), or the loopback fake. */
  apiBase: string;
  kv: KeyValue;
  log?: Logger;
  timeoutMs?: number;
}

/**
 * DingTalk's `oapi` server API for one app: one axios instance, the shared access token and the
 * rule for refused tokens (drop, refresh once, retry once). Every failure becomes a ChannelError;
 * every call is logged as `{api, ms, errcode}` and nothing else — URLs carry the token and bodies
 * carry message contents.
 */
export class DingtalkApi {
  private readonly http: AxiosInstance;
  private readonly httpV1: AxiosInstance;
  private readonly tokens: AccessTokenCache;
  private readonly tokensV1: AccessTokenCache;

  constructor(private readonly options: DingtalkApiOptions) {
    const timeout = options.timeoutMs ?? HTTP_TIMEOUT_MS;
    // Statuses are judged here, not by axios, so that an error never carries the request URL around.
    this.http = axios.create({ baseURL: options.oapiBase.replace(/\/+$/, ""), timeout, validateStatus: () => true });
    this.httpV1 = axios.create({ baseURL: options.apiBase.replace(/\/+$/, ""), timeout, validateStatus: () => true });
    this.tokens = new AccessTokenCache({
      channel: "dingtalk",
      kv: options.kv,
      key: `dingtalk:token:${options.appKey}`,
      fetch: () => this.fetchToken(),
      log: options.log,
      lockTtlMs: timeout + 5_000,
    });
    // The v1.0 accessToken is a second token with its own lifetime, kept alike (PROTOCOLS §3.1).
    this.tokensV1 = new AccessTokenCache({
      channel: "dingtalk",
      kv: options.kv,
      key: `dingtalk:token-v1:${options.appKey}`,
      fetch: () => this.fetchTokenV1(),
      log: options.log,
      lockTtlMs: timeout + 5_000,
    });
  }

  /**
   * A `v1.0` API (`/v1.0/robot/oToMessages/batchSend`, …) with the accessToken header. A 401 drops
   * the token and retries once with a fresh one; errors come as an HTTP status with `{code, message}`.
   */
  async v1<T extends object>(method: "POST" | "PUT" | "GET", path: string, body?: unknown): Promise<T> {
    const token = await this.tokensV1.get();
    let answer = await this.callV1(method, path, body, token);
    if (answer.status === 401) {
      await this.tokensV1.invalidate(token);
      answer = await this.callV1(method, path, body, await this.tokensV1.get());
    }
    const reply = (typeof answer.data === "object" && answer.data !== null ? answer.data : {}) as T & { code?: unknown };
    if (answer.status >= 200 && answer.status < 300 && typeof answer.data === "object") return reply;
    const code = typeof reply.code === "string" ? reply.code : `http_${answer.status}`;
    if (answer.status === 429 || answer.status >= 500 || /QpsLimit|Throttling|Busy/i.test(code) || typeof answer.data !== "object") {
      throw new ChannelError("dingtalk", `dingtalk_${code}`.slice(0, 32), "钉钉接口繁忙或调用过于频繁，稍后重试", true, THROTTLE_PAUSE_MS);
    }
    this.options.log?.warn({ channel: "dingtalk", api: path, status: answer.status, code }, "dingtalk v1 api refused");
    throw new ChannelError("dingtalk", `dingtalk_${code}`.slice(0, 32), `钉钉接口返回错误（${code}）`, false, undefined, answer.status === 403);
  }

  /**
   * A robot chat's session webhook (PROTOCOLS §3.3): the URL is the credential, so no token and no
   * logging of it; the answer's errcode is the caller's to judge (300001: the session is gone).
   */
  async postWebhook(url: string, body: unknown): Promise<OapiReply> {
    const started = Date.now();
    let status: number;
    let data: unknown;
    try {
      ({ status, data } = await axios.post(url, body, { timeout: this.options.timeoutMs ?? HTTP_TIMEOUT_MS, validateStatus: () => true }));
    } catch (err) {
      this.options.log?.warn({ channel: "dingtalk", api: "sessionWebhook", ms: Date.now() - started, code: (err as { code?: string }).code }, "dingtalk api unreachable");
      throw new ChannelError("dingtalk", "dingtalk_unreachable", "无法连接钉钉服务器，稍后重试", true);
    }
    const reply = (typeof data === "object" && data !== null ? data : {}) as OapiReply;
    if (status >= 500 || status === 429 || RETRYABLE_ERRCODES.has(reply.errcode ?? 0)) {
      throw new ChannelError("dingtalk", `dingtalk_http_${status}`, "钉钉服务器暂时无法处理请求，稍后重试", true, THROTTLE_PAUSE_MS);
    }
    if (reply.errcode === 300001) return reply;
    return this.check("sessionWebhook", reply);
  }

  /** A temporary URL's bytes (media download); the URL is itself the credential and is never logged. */
  async download(url: string, maxBytes: number): Promise<{ data: Buffer; contentType?: string }> {
    try {
      const res = await axios.get<ArrayBuffer>(url, { responseType: "arraybuffer", timeout: this.options.timeoutMs ?? HTTP_TIMEOUT_MS, maxContentLength: maxBytes, validateStatus: () => true });
      if (res.status !== 200) throw new ChannelError("dingtalk", `dingtalk_http_${res.status}`, `钉钉文件下载失败（HTTP ${res.status}）`, res.status >= 500);
      const type = res.headers["content-type"];
      return { data: Buffer.from(res.data), ...(typeof type === "string" ? { contentType: type } : {}) };
    } catch (err) {
      if (err instanceof ChannelError) throw err;
      throw new ChannelError("dingtalk", "dingtalk_download", "钉钉文件下载失败或文件过大", true);
    }
  }

  /**
   * A `v1.0` call made for one person: with the personal access token of their OAuth sign-in, or
   * with none (`/v1.0/oauth2/userAccessToken`, which takes the app's key and secret in its body).
   * The status and answer come back as they are, for the caller to judge; the token is never logged.
   */
  async v1AsUser(method: "GET" | "POST", path: string, userToken: string | null, body?: unknown): Promise<{ status: number; data: unknown }> {
    return userToken === null ? this.callV1Unauthenticated(path, body) : this.callV1(method, path, body, userToken);
  }

  private async callV1(method: string, path: string, body: unknown, token: string): Promise<{ status: number; data: unknown }> {
    const started = Date.now();
    try {
      const { status, data } = await this.httpV1.request({ method, url: path, data: body, headers: { "x-acs-dingtalk-access-token": token } });
      this.options.log?.debug({ channel: "dingtalk", api: path, ms: Date.now() - started, status }, "dingtalk api");
      return { status, data };
    } catch (err) {
      this.options.log?.warn({ channel: "dingtalk", api: path, ms: Date.now() - started, code: (err as { code?: string }).code }, "dingtalk api unreachable");
      throw new ChannelError("dingtalk", "dingtalk_unreachable", "无法连接钉钉服务器，稍后重试", true);
    }
  }

  private async fetchTokenV1(): Promise<FetchedToken> {
    const { status, data } = await this.callV1Unauthenticated("/v1.0/oauth2/accessToken", { appKey: this.options.appKey, appSecret: this.options.appSecret });
    const reply = (data ?? {}) as { accessToken?: unknown; expireIn?: unknown };
    if (status !== 200 || typeof reply.accessToken !== "string") {
      const retryable = status >= 500 || status === 429;
      throw new ChannelError("dingtalk", `dingtalk_token_http_${status}`, "钉钉 accessToken 获取失败，请检查 DINGTALK_APP_KEY 和 DINGTALK_APP_SECRET", retryable, undefined, !retryable);
    }
    return { token: reply.accessToken, expiresInS: Number(reply.expireIn ?? 7200) };
  }

  private async callV1Unauthenticated(path: string, body: unknown): Promise<{ status: number; data: unknown }> {
    try {
      const { status, data } = await this.httpV1.post(path, body);
      return { status, data };
    } catch {
      throw new ChannelError("dingtalk", "dingtalk_unreachable", "无法连接钉钉服务器，稍后重试", true);
    }
  }

  /** `POST /<api>?access_token=…` (oapi) with a JSON body. */
  post<T extends OapiReply>(api: string, body: unknown): Promise<T> {
    return this.withToken(api, (token) => this.call<T>(api, { method: "POST", data: body, params: { access_token: token } }));
  }

  /** `POST /<api>?access_token=…&<params>` (oapi) with a multipart form: `media/upload`. */
  upload<T extends OapiReply>(api: string, form: FormData, params: Record<string, string>): Promise<T> {
    return this.withToken(api, (token) => this.call<T>(api, { method: "POST", data: form, params: { ...params, access_token: token } }));
  }

  /** One oapi call with the shared token; a refused token is dropped, refetched and the call made once more. */
  private async withToken<T extends OapiReply>(api: string, call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.tokens.get();
    const first = await call(token);
    if (!TOKEN_ERRCODES.has(first.errcode ?? 0)) return this.check(api, first);
    await this.tokens.invalidate(token);
    return this.check(api, await call(await this.tokens.get()));
  }

  private async fetchToken(): Promise<FetchedToken> {
    const reply = await this.call<OapiReply & { access_token?: string; expires_in?: number }>("gettoken", {
      method: "GET",
      params: { appkey: this.options.appKey, appsecret: this.options.appSecret },
    });
    if (reply.errcode || typeof reply.access_token !== "string") {
      // A wrong app key or secret is for an operator to fix; the outbox pauses the channel meanwhile.
      throw new ChannelError("dingtalk", `dingtalk_${reply.errcode ?? "no_token"}`, "钉钉 access_token 获取失败，请检查 DINGTALK_APP_KEY 和 DINGTALK_APP_SECRET", false, undefined, true);
    }
    return { token: reply.access_token, expiresInS: Number(reply.expires_in ?? 7200) };
  }

  private check<T extends OapiReply>(api: string, reply: T): T {
    const code = reply.errcode ?? 0;
    if (code === 0) return reply;
    if (RETRYABLE_ERRCODES.has(code)) throw new ChannelError("dingtalk", `dingtalk_${code}`, "钉钉接口繁忙或调用过于频繁，稍后重试", true, THROTTLE_PAUSE_MS);
    if (TOKEN_ERRCODES.has(code)) throw new ChannelError("dingtalk", `dingtalk_${code}`, "钉钉 access_token 连续两次被拒绝，稍后重试", true);
    this.options.log?.warn({ channel: "dingtalk", api, errcode: code }, "dingtalk api refused");
    throw new ChannelError("dingtalk", `dingtalk_${code}`, `钉钉接口返回错误（错误码 ${code}）`, false);
  }

  private async call<T extends OapiReply>(api: string, request: AxiosRequestConfig): Promise<T> {
    const started = Date.now();
    let status: number;
    let data: unknown;
    try {
      ({ status, data } = await this.http.request({ ...request, url: `/${api}` }));
    } catch (err) {
      this.options.log?.warn({ channel: "dingtalk", api, ms: Date.now() - started, code: (err as { code?: string }).code }, "dingtalk api unreachable");
      throw new ChannelError("dingtalk", "dingtalk_unreachable", "无法连接钉钉服务器，稍后重试", true);
    }
    const reply = (typeof data === "object" && data !== null ? data : {}) as T;
    this.options.log?.debug({ channel: "dingtalk", api, ms: Date.now() - started, status, errcode: reply.errcode }, "dingtalk api");
    // Anti-abuse answers come as HTML or `status: 1111` instead of an errcode (PROTOCOLS §3.8).
    if (status >= 500 || status === 429 || typeof data !== "object" || (reply as { status?: unknown }).status === 1111) {
      throw new ChannelError("dingtalk", `dingtalk_http_${status}`, "钉钉服务器暂时无法处理请求，稍后重试", true, status === 429 ? THROTTLE_PAUSE_MS : undefined);
    }
    if (status >= 400) throw new ChannelError("dingtalk", `dingtalk_http_${status}`, `钉钉服务器拒绝了请求（HTTP ${status}）`, false);
    return reply;
  }
}
