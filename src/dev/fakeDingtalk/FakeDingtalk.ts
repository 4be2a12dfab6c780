import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import getRawBody from "raw-body";

export interface FakeDingtalkOptions {
  appKey: string;
  appSecret: string;
  agentId: number;
  /** The fake's clock (ms): tests share theirs so tokens expire on the test's time. */
  now: () => number;
  tokenTtlS?: number;
  port?: number;
}

/** A work notification the fake accepted. */
export interface FakeWorkNotice {
  taskId: number;
  userIds: string[];
  msg: { msgtype: string; text?: { content: string }; markdown?: { title: string; text: string } };
  at: number;
}

export interface RecordedCall {
  api: string;
  errcode: number;
  at: number;
}

/** What the fake answers in place of success for the next calls of an API. */
export interface FakeFailure {
  errcode: number;
  errmsg?: string;
}

const API = {
  gettoken: "gettoken",
  asyncsend: "topapi/message/corpconversation/asyncsend_v2",
  getsendresult: "topapi/message/corpconversation/getsendresult",
} as const;

/**
 * A loopback DingTalk `oapi` for tests and local runs: gettoken, work notifications
 * (asyncsend_v2, ≤ 100 user ids, ≤ 2048-byte msg) and their send results, with the platform's
 * checks, every call recorded and failures switchable for the next N calls.
 */
export class FakeDingtalk {
  readonly notices: FakeWorkNotice[] = [];
  readonly calls: RecordedCall[] = [];
  url = "";
  private server?: Server;
  private readonly tokens = new Map<string, number>();
  private failures: { api: string; failure: FakeFailure; remaining: number }[] = [];
  private nextTaskId = 70_000_001;

  constructor(private readonly options: FakeDingtalkOptions) {}

  /** Listens on 127.0.0.1 and returns the base URL to use as DINGTALK_API_BASE. */
  async start(): Promise<string> {
    const app = new Koa();
    app.use(async (ctx) => {
      const raw = ctx.method === "POST" ? await getRawBody(ctx.req, { limit: "1mb" }) : Buffer.alloc(0);
      let body: Record<string, unknown> = {};
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
        } catch {
          ctx.body = this.record(ctx.path.slice(1), { errcode: 43004, errmsg: "无效的JSON" });
          return;
        }
      }
      ctx.body = this.handle(ctx.method, ctx.path.slice(1), ctx.query as Record<string, string>, body);
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

  /** The next `times` calls of `api` (e.g. "topapi/message/corpconversation/asyncsend_v2") answer `failure`. */
  failNext(api: string, failure: FakeFailure, times = 1): void {
    this.failures.push({ api, failure, remaining: times });
  }

  /** Every issued token expires now: business calls answer 42001 until a new one is fetched. */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, this.options.now() - 1);
  }

  callsOf(api: string): RecordedCall[] {
    return this.calls.filter((c) => c.api === api);
  }

  /** What each notice to `userId` says: a text's content or a markdown's text. */
  textsTo(userId: string): string[] {
    return this.notices.filter((n) => n.userIds.includes(userId)).map((n) => n.msg.text?.content ?? n.msg.markdown?.text ?? "");
  }

  private handle(method: string, api: string, query: Record<string, string>, body: Record<string, unknown>): Record<string, unknown> {
    const injected = this.takeFailure(api);
    if (injected) return this.record(api, { errcode: injected.errcode, errmsg: injected.errmsg ?? "injected failure" });
    if (api === API.gettoken && method === "GET") return this.gettoken(query);
    if (method !== "POST" || (api !== API.asyncsend && api !== API.getsendresult)) return this.record(api, { errcode: 404, errmsg: "not found" });
    const expiry = this.tokens.get(query.access_token ?? "");
    if (expiry === undefined) return this.record(api, { errcode: 40014, errmsg: "不合法的access_token" });
    if (expiry <= this.options.now()) return this.record(api, { errcode: 42001, errmsg: "access_token超时" });
    if (Number(body.agent_id) !== this.options.agentId) return this.record(api, { errcode: 60011, errmsg: "agent_id 不存在或无权限" });
    return api === API.asyncsend ? this.asyncsend(body) : this.getsendresult(body);
  }

  private gettoken(query: Record<string, string>): Record<string, unknown> {
    if (query.appkey !== this.options.appKey || query.appsecret !== this.options.appSecret) return this.record(API.gettoken, { errcode: 40089, errmsg: "不合法的appKey或appSecret" });
    // Within validity the platform hands out the same token again.
    const now = this.options.now();
    const live = [...this.tokens].find(([, expiry]) => expiry > now);
    const ttl = this.options.tokenTtlS ?? 7200;
    const token = live?.[0] ?? randomBytes(16).toString("hex");
    if (!live) this.tokens.set(token, now + ttl * 1000);
    return this.record(API.gettoken, { errcode: 0, errmsg: "ok", access_token: token, expires_in: live ? Math.floor((live[1] - now) / 1000) : ttl });
  }

  private asyncsend(body: Record<string, unknown>): Record<string, unknown> {
    const userIds = typeof body.userid_list === "string" ? body.userid_list.split(",").filter(Boolean) : [];
    if (userIds.length === 0) return this.record(API.asyncsend, { errcode: 40000, errmsg: "userid_list 不能为空" });
    if (userIds.length > 100) return this.record(API.asyncsend, { errcode: 40000, errmsg: "userid_list 超过 100 个" });
    const msg = body.msg as FakeWorkNotice["msg"] | undefined;
    const valid = msg && ((msg.msgtype === "text" && typeof msg.text?.content === "string") || (msg.msgtype === "markdown" && typeof msg.markdown?.text === "string" && typeof msg.markdown.title === "string"));
    if (!valid) return this.record(API.asyncsend, { errcode: 40000, errmsg: "msg 不合法" });
    if (Buffer.byteLength(JSON.stringify(msg)) > 2048) return this.record(API.asyncsend, { errcode: 40000, errmsg: "msg 超过 2048 字节" });
    const taskId = this.nextTaskId++;
    this.notices.push({ taskId, userIds, msg, at: this.options.now() });
    return this.record(API.asyncsend, { errcode: 0, errmsg: "ok", task_id: taskId, request_id: randomBytes(8).toString("hex") });
  }

  private getsendresult(body: Record<string, unknown>): Record<string, unknown> {
    const notice = this.notices.find((n) => n.taskId === Number(body.task_id));
    if (!notice) return this.record(API.getsendresult, { errcode: 40000, errmsg: "task_id 不存在" });
    const result = { invalid_user_id_list: [], forbidden_user_id_list: [], failed_user_id_list: [], read_user_id_list: [], unread_user_id_list: notice.userIds };
    return this.record(API.getsendresult, { errcode: 0, errmsg: "ok", send_result: result });
  }

  private takeFailure(api: string): FakeFailure | undefined {
    const rule = this.failures.find((f) => f.api === api && f.remaining > 0);
    if (!rule) return undefined;
    rule.remaining--;
    return rule.failure;
  }

  private record(api: string, reply: Record<string, unknown>): Record<string, unknown> {
    this.calls.push({ api, errcode: Number(reply.errcode ?? 0), at: this.options.now() });
    return reply;
  }
}
