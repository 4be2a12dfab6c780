import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import getRawBody from "raw-body";
import { type CallbackAnswer, type CallbackOptions, deliverCallback, verifyCallbackUrl } from "./callbacks";
import { menuCreate } from "./menuApi";
import { authGetUserInfo } from "./oauthApi";
import { agentGet, departmentGet, departmentSimplelist, userGet, userListId, userSimplelist } from "./directoryApi";
import { mediaGet, mediaUpload } from "./mediaApi";
import { messageSend, recall, updateTemplateCard } from "./messaging";
import { type FakeConfig, type FakeHandler, type FakeReply, type FakeRequest, fail, ok } from "./protocol";
import { type FakeDepartment, type FakeDirectory, type FakeMessage, FakeState, type FakeUser, randomId, SAMPLE_DIRECTORY } from "./state";

export interface FakeWecomOptions extends Partial<FakeConfig> {
  /** Callback Token and EncodingAESKey of the app, for `deliverCallback`. */
  token?: string;
  encodingAesKey?: string;
  directory?: FakeDirectory;
  /** The fake's clock (ms): tests move it to expire tokens, media and rate windows. */
  now?: () => number;
  port?: number;
  /** Called after every request, e.g. to print it in `npm run fake:wecom`. */
  onRequest?: (request: RecordedRequest) => void;
}

/** A switchable failure: an error code, an HTTP status, a slow answer, or tokens expiring first. */
export type FailureMode = { errcode: number; errmsg?: string } | { httpStatus: number } | { delayMs: number } | { expireToken: true };

export interface RecordedRequest {
  method: string;
  api: string;
  query: Record<string, string>;
  json?: Record<string, unknown>;
  at: number;
  status: number;
  errcode?: number;
}

const ROUTES: Record<string, { method: "GET" | "POST"; handler: FakeHandler }> = {
  "message/send": { method: "POST", handler: messageSend },
  "message/update_template_card": { method: "POST", handler: updateTemplateCard },
  "message/recall": { method: "POST", handler: recall },
  "media/upload": { method: "POST", handler: mediaUpload },
  "media/get": { method: "GET", handler: mediaGet },
  "department/simplelist": { method: "GET", handler: departmentSimplelist },
  "department/get": { method: "GET", handler: departmentGet },
  "user/simplelist": { method: "GET", handler: userSimplelist },
  "user/get": { method: "GET", handler: userGet },
  "user/list_id": { method: "POST", handler: userListId },
  "agent/get": { method: "GET", handler: agentGet },
  "menu/create": { method: "POST", handler: menuCreate },
  "auth/getuserinfo": { method: "GET", handler: authGetUserInfo },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A loopback WeChat Work for tests and local runs: the server API under /cgi-bin with the
 * platform's checks, limits and quirks, every request recorded, failures switchable for the next
 * N calls, and callbacks to the app sealed as the platform seals them.
 */
export class FakeWecom {
  readonly config: FakeConfig;
  readonly state: FakeState;
  readonly requests: RecordedRequest[] = [];
  url = "";
  private server?: Server;
  private rules: { mode: FailureMode; api?: string; remaining: number }[] = [];

  constructor(private readonly options: FakeWecomOptions = {}) {
    this.config = {
      corpId: options.corpId ?? "wwfake0000000001",
      agentId: options.agentId ?? 1000002,
      secret: options.secret ?? "fake-secret",
      tokenTtlS: options.tokenTtlS ?? 7200,
      revealMobile: options.revealMobile ?? true,
      dailyQuota: options.dailyQuota,
    };
    this.state = new FakeState(options.now ?? Date.now);
    this.state.setDirectory(options.directory ?? SAMPLE_DIRECTORY);
  }

  /** Listens on 127.0.0.1 (port 0 unless given) and returns the base URL to use as WECOM_API_BASE. */
  async start(): Promise<string> {
    const app = new Koa();
    app.use(async (ctx) => {
      const reply = await this.handle(ctx.method, ctx.path, ctx.query as Record<string, string>, ctx.method === "POST" ? await getRawBody(ctx.req, { limit: "30mb" }) : Buffer.alloc(0), ctx.get("content-type"));
      if ("json" in reply) ctx.body = reply.json;
      else {
        ctx.status = reply.status;
        ctx.set(reply.headers ?? {});
        ctx.body = reply.body;
      }
    });
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(this.options.port ?? 0, "127.0.0.1", () => resolve(s));
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` calls (of `api`, or of any API but gettoken) fail with `mode`. */
  failNext(mode: FailureMode, options: { times?: number; api?: string } = {}): void {
    this.rules.push({ mode, api: options.api, remaining: options.times ?? 1 });
  }

  /** Every issued token expires now: business calls answer 42001 until a new one is fetched. */
  expireTokens(): void {
    for (const t of this.state.tokens.values()) t.expiresAt = this.state.now() - 1;
  }

  /** What WeChat Work's OAuth page gives the app when `userid` opens it inside WeChat Work: a one-time code. */
  signInCode(userid: string): string {
    const code = randomId(24);
    this.state.oauthCodes.set(code, { userid, expiresAt: this.state.now() + 5 * 60_000, used: false });
    return code;
  }

  calls(api: string): RecordedRequest[] {
    return this.requests.filter((r) => r.api === api);
  }

  get messages(): FakeMessage[] {
    return this.state.messages;
  }

  setDirectory(directory: FakeDirectory): void {
    this.state.setDirectory(directory);
  }

  addUser(user: FakeUser): void {
    this.state.users.set(user.userid.toLowerCase(), { ...user });
  }

  updateUser(userid: string, changes: Partial<FakeUser>): void {
    const user = this.state.user(userid);
    if (!user) throw new Error(`fake wecom: no user ${userid}`);
    Object.assign(user, changes);
  }

  removeUser(userid: string): void {
    this.state.users.delete(userid.toLowerCase());
  }

  addDepartment(department: FakeDepartment): void {
    this.state.departments.set(department.id, { ...department });
  }

  /** Puts a file in the fake's media store, as if a member had sent it; returns its media_id. */
  addMedia(file: { bytes: Buffer; contentType: string; filename: string }): string {
    const mediaId = `i-${randomId(30)}`;
    this.state.media.set(mediaId, { ...file, createdAt: this.state.now() });
    return mediaId;
  }

  /** A member clicks a card button: the click-time response code the callback would carry. */
  clickCard(msgid: string): string {
    return this.state.issueResponseCode(msgid);
  }

  /** The fake's clock in whole seconds, as `CreateTime` and callback timestamps carry it. */
  nowS(): number {
    return Math.floor(this.state.now() / 1000);
  }

  /** The corp, app and time a member's message carries, for the `*Xml` builders. */
  stamp(): { corpId: string; agentId: number; createTime: number } {
    return { corpId: this.config.corpId, agentId: this.config.agentId, createTime: this.nowS() };
  }

  /** POSTs an encrypted callback to the app, sealed with the app's Token and EncodingAESKey at the fake's time. */
  deliverCallback(appUrl: string, xmlPlaintext: string, options: Partial<CallbackOptions> = {}): Promise<CallbackAnswer> {
    return deliverCallback(this.callbackApp(), appUrl, xmlPlaintext, { ...options, timestamp: options.timestamp ?? this.nowS() });
  }

  /** The console's GET URL verification against the app. */
  verifyCallbackUrl(appUrl: string, echo: string, options: Partial<CallbackOptions> = {}): Promise<CallbackAnswer> {
    return verifyCallbackUrl(this.callbackApp(), appUrl, echo, { ...options, timestamp: options.timestamp ?? this.nowS() });
  }

  private callbackApp() {
    const { token, encodingAesKey } = this.options;
    if (!token || !encodingAesKey) throw new Error("fake wecom: pass token and encodingAesKey to deliver callbacks");
    return { corpId: this.config.corpId, agentId: this.config.agentId, token, encodingAesKey };
  }

  private async handle(method: string, path: string, query: Record<string, string>, raw: Buffer, contentType: string): Promise<FakeReply> {
    const api = path.replace(/^\/cgi-bin\//, "");
    let json: Record<string, unknown> | undefined;
    if (/json/i.test(contentType) && raw.length) {
      try {
        json = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
    }
    const reply = await this.answer({ method, api, query, json, raw, contentType });
    const status = "json" in reply ? 200 : reply.status;
    const errcode = "json" in reply ? Number(reply.json.errcode ?? 0) : undefined;
    const record = { method, api, query, json, at: this.state.now(), status, errcode };
    this.requests.push(record);
    this.options.onRequest?.(record);
    return reply;
  }

  private async answer(req: FakeRequest): Promise<FakeReply> {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.api ? r.api === req.api : req.api !== "gettoken"));
    if (rule) {
      rule.remaining -= 1;
      this.rules = this.rules.filter((r) => r.remaining > 0);
      const mode = rule.mode;
      if ("errcode" in mode) return fail(mode.errcode, mode.errmsg ?? "injected failure");
      if ("httpStatus" in mode) return { status: mode.httpStatus, headers: { "content-type": "text/html" }, body: "<html><body>Server Error</body></html>" };
      if ("delayMs" in mode) await sleep(mode.delayMs);
      if ("expireToken" in mode) this.expireTokens();
    }
    if (req.api === "gettoken") return this.gettoken(req.query);
    const route = ROUTES[req.api];
    if (!route) return { status: 404, body: "not found" };
    const tokenProblem = this.checkToken(req.query.access_token);
    if (tokenProblem) return tokenProblem;
    if (req.method !== route.method) return fail(43001, `require ${route.method}`);
    return route.handler(req, this.state, this.config);
  }

  private gettoken(query: Record<string, string>): FakeReply {
    if (query.corpid !== this.config.corpId) return fail(40013, "invalid corpid");
    if (query.corpsecret !== this.config.secret) return fail(40001, "invalid credential, access_token is invalid or not latest");
    const now = this.state.now();
    // Within its lifetime the platform hands out the same token again.
    const current = [...this.state.tokens.entries()].find(([, t]) => t.expiresAt > now);
    if (current) return ok({ access_token: current[0], expires_in: Math.floor((current[1].expiresAt - now) / 1000) });
    const token = randomId(48);
    this.state.tokens.set(token, { expiresAt: now + this.config.tokenTtlS * 1000 });
    return ok({ access_token: token, expires_in: this.config.tokenTtlS });
  }

  private checkToken(token: string | undefined): FakeReply | undefined {
    if (!token) return fail(41001, "access_token missing");
    const entry = this.state.tokens.get(token);
    if (!entry) return fail(40014, "invalid access_token");
    if (entry.expiresAt <= this.state.now()) return fail(42001, "access_token expired");
    return undefined;
  }
}
