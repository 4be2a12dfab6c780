import { createHash, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import getRawBody from "raw-body";
import { FakeStreamGateway } from "./streamGateway";

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
  msg: { msgtype: string; text?: { content: string }; markdown?: { title: string; text: string }; file?: { media_id: string }; image?: { media_id: string } };
  at: number;
}

/** A file uploaded with media/upload, as the platform keeps it. */
export interface FakeMedia {
  mediaId: string;
  type: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** A message the robot sent into a one-to-one chat, by session webhook or by the robot API. */
export interface FakeRobotMessage {
  userId: string;
  via: "session" | "robot";
  msgtype: "text" | "markdown" | "file";
  text: string;
  at: number;
}

/** A message the robot posted into a group chat (groupMessages/send). */
export interface FakeGroupMessage {
  conversationId: string;
  msgKey: string;
  text: string;
  at: number;
}

/** A department of the fake address book (1 is the root). */
export interface FakeDingDepartment {
  id: number;
  name: string;
  parentId: number;
}

/** A member of the fake address book. */
export interface FakeDingUser {
  userid: string;
  name: string;
  deptIds: number[];
  mobile?: string;
  active?: boolean;
}

/** An interactive card the robot put into someone's chat, and what it shows now. */
export interface FakeCard {
  bizId: string;
  userId: string;
  title: string;
  /** The card's text (description and fields), as markdown. */
  text: string;
  /** The buttons still on it; empty once it shows a done line. */
  buttons: { id: string; label: string }[];
  /** The done line after an update (已收到 / 已落实 / 已确认). */
  done?: string;
  callbackRouteKey?: string;
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
  /** v1.0 APIs: the HTTP status (default 400) and the `code` (default the errcode), e.g. 403 `Forbidden.AccessDenied.QpsLimitForApi`. */
  status?: number;
  code?: string;
}

const API = {
  gettoken: "gettoken",
  asyncsend: "topapi/message/corpconversation/asyncsend_v2",
  getsendresult: "topapi/message/corpconversation/getsendresult",
  listsubid: "topapi/v2/department/listsubid",
  deptGet: "topapi/v2/department/get",
  userListid: "topapi/user/listid",
  userGet: "topapi/v2/user/get",
  accessToken: "v1.0/oauth2/accessToken",
  robotBatchSend: "v1.0/robot/oToMessages/batchSend",
  robotGroupSend: "v1.0/robot/groupMessages/send",
  fileDownload: "v1.0/robot/messageFiles/download",
  mediaUpload: "media/upload",
  session: "robot/sendBySession",
  cardSend: "v1.0/im/v1.0/robot/interactiveCards/send",
  cardUpdate: "v1.0/im/robots/interactiveCards",
  cardRegister: "v1.0/card/callbacks/register",
  gateway: "v1.0/gateway/connections/open",
  userAccessToken: "v1.0/oauth2/userAccessToken",
  usersMe: "v1.0/contact/users/me",
  getByUnionId: "topapi/user/getbyunionid",
} as const;

/** A DingTalk account's unionId (one per person across the platform), derived so tests can name it. */
export const fakeUnionId = (userid: string) => `union${createHash("sha256").update(userid).digest("hex").slice(0, 20)}`;

interface StandardCardData {
  header?: { title?: { text?: string } };
  contents?: { type: string; id?: string; text?: string; actions?: { id: string; label?: { text?: string } }[] }[];
}

const cardButtons = (data: StandardCardData) => (data.contents ?? []).flatMap((c) => (c.type === "action" ? (c.actions ?? []).map((a) => ({ id: a.id, label: a.label?.text ?? "" })) : []));
const cardText = (data: StandardCardData) => (data.contents ?? []).find((c) => c.id === "text")?.text ?? "";

/** One thing that appeared in someone's DingTalk, in the order it did. */
export interface FakeChatItem {
  via: "session" | "robot" | "notice" | "card";
  text: string;
  card?: FakeCard;
}

/** The platform's per-user daily cap on work notifications from one app (PROTOCOLS §3.6). */
const NOTICES_PER_USER_PER_DAY = 500;

/**
 * A loopback DingTalk `oapi` for tests and local runs: gettoken, work notifications
 * (asyncsend_v2, ≤ 100 user ids, ≤ 2048-byte msg) and their send results, with the platform's
 * checks, every call recorded and failures switchable for the next N calls.
 */
export class FakeDingtalk {
  readonly notices: FakeWorkNotice[] = [];
  readonly robotMessages: FakeRobotMessage[] = [];
  readonly cards: FakeCard[] = [];
  /** What the robot posted into group chats, in order (refused posts are not here). */
  readonly groupMessages: FakeGroupMessage[] = [];
  /** Group messages the robot may post a minute; past it the platform refuses them (and mutes the robot). */
  groupMessagesPerMinute = 20;
  /** Files uploaded with media/upload, by media id. */
  readonly media = new Map<string, FakeMedia>();
  /** The per-person daily cap on work notifications; tests lower it to reach it quickly. */
  noticesPerUserPerDay = NOTICES_PER_USER_PER_DAY;
  /** The address book: departments (root 1) and members. */
  readonly departments: FakeDingDepartment[] = [{ id: 1, name: "青禾县应急管理局", parentId: 0 }];
  readonly users: FakeDingUser[] = [];
  /** The Stream gateway (ws://…/stream), for DINGTALK_MODE=stream. */
  readonly stream = new FakeStreamGateway(() => this.url, () => this.options.now());
  /** Everything that appeared in anyone's DingTalk, in order. */
  private readonly chat: { userId: string; item: FakeChatItem }[] = [];
  /** Card callback URLs registered, by route key. */
  readonly cardCallbacks = new Map<string, string>();
  readonly calls: RecordedCall[] = [];
  /** Files people "sent" the robot, by download code. */
  private readonly files = new Map<string, { bytes: Buffer; contentType: string }>();
  /** Session webhooks handed out, by session id: whose chat and until when. */
  private readonly sessions = new Map<string, { userId: string; expiresAt: number }>();
  private readonly tokensV1 = new Map<string, number>();
  /** Sign-in codes (OAuth authCode) handed out: whose account, until when, whether used. */
  private readonly authCodes = new Map<string, { unionId: string; expiresAt: number; used: boolean }>();
  /** Personal access tokens from `userAccessToken`: whose, until when. */
  private readonly userTokens = new Map<string, { unionId: string; expiresAt: number }>();
  /** Per task: recipients the platform accepted but silently did not deliver (daily caps). */
  private readonly undelivered = new Map<number, string[]>();
  /** user → day → content digests, for the same-content-once-a-day rule and the 500-a-day cap. */
  private readonly received = new Map<string, string[]>();
  url = "";
  private server?: Server;
  private readonly tokens = new Map<string, number>();
  private failures: { api: string; failure: FakeFailure; remaining: number; skip: number }[] = [];
  /** Robot one-to-one sends that name these people flow-control them (not sent, listed in flowControlledStaffIdList), once each. */
  private readonly flowControlled = new Set<string>();
  /** Calls held without an answer (as if the app died mid-call), by API, until releaseHung. */
  private hangs: { api: string; skip: number }[] = [];
  private readonly hung: (() => void)[] = [];
  private nextTaskId = 70_000_001;

  constructor(private readonly options: FakeDingtalkOptions) {}

  /** Listens on 127.0.0.1 and returns the base URL to use as DINGTALK_API_BASE. */
  async start(): Promise<string> {
    const app = new Koa();
    app.use(async (ctx) => {
      const raw = ctx.method === "POST" || ctx.method === "PUT" ? await getRawBody(ctx.req, { limit: "25mb" }) : Buffer.alloc(0);
      if (ctx.path === `/${API.mediaUpload}`) {
        ctx.body = await this.mediaUpload(ctx.query as Record<string, string>, ctx.get("content-type"), raw);
        return;
      }
      let body: Record<string, unknown> = {};
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
        } catch {
          ctx.body = this.record(ctx.path.slice(1), { errcode: 43004, errmsg: "无效的JSON" });
          return;
        }
      }
      const path = ctx.path.slice(1);
      const hang = this.hangs.find((h) => h.api === path);
      if (hang && hang.skip-- === 0) {
        this.hangs.splice(this.hangs.indexOf(hang), 1);
        await new Promise<void>((resolve) => this.hung.push(resolve));
        ctx.status = 503;
        ctx.body = { code: "ServiceUnavailable", message: "held by the test" };
        return;
      }
      if (path.startsWith("files/")) {
        const file = this.files.get(decodeURIComponent(path.slice("files/".length)));
        if (!file) ctx.status = 404;
        else {
          ctx.type = file.contentType;
          ctx.body = file.bytes;
        }
        return;
      }
      if (path.startsWith("v1.0/")) {
        const answer = this.handleV1(path, ctx.get("x-acs-dingtalk-access-token"), body);
        ctx.status = answer.status;
        ctx.body = answer.body;
        return;
      }
      if (path === API.session) {
        ctx.body = this.sessionSend(String(ctx.query.session ?? ""), body);
        return;
      }
      ctx.body = this.handle(ctx.method, path, ctx.query as Record<string, string>, body);
    });
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(this.options.port ?? 0, "127.0.0.1", () => resolve(s));
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.stream.attach(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.releaseHung();
    this.stream.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * The next `times` calls of `api` (e.g. "topapi/message/corpconversation/asyncsend_v2") answer
   * `failure`; with `skip`, only after that many calls have gone through (the 2nd chunk of a batch).
   */
  failNext(api: string, failure: FakeFailure, times = 1, skip = 0): void {
    this.failures.push({ api, failure, remaining: times, skip });
  }

  /** The platform forgets every uploaded file (media ids live 3 days): sends naming one are refused. */
  expireMedia(): void {
    this.media.clear();
  }

  /** The next robot one-to-one send naming any of `userIds` sends to the others only and lists these as flow-controlled. */
  flowControlOnce(userIds: string[]): void {
    for (const u of userIds) this.flowControlled.add(u);
  }

  /** The next call of `api` (after `skip` calls) gets no answer and changes nothing until releaseHung (then: HTTP 503). */
  hangNext(api: string, skip = 0): void {
    this.hangs.push({ api, skip });
  }

  /** Answers every held call with 503, delivering nothing. */
  releaseHung(): void {
    for (const release of this.hung.splice(0)) release();
  }

  /** Every issued token (oapi and v1.0) expires now: calls answer 42001 / 401 until a new one is fetched. */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, this.options.now() - 1);
    for (const token of this.tokensV1.keys()) this.tokensV1.set(token, this.options.now() - 1);
  }

  /** A download code for `bytes`, as a picture, voice note or file message carries it. */
  addFile(bytes: Buffer, contentType: string): string {
    const code = `dc${randomBytes(12).toString("hex")}`;
    this.files.set(code, { bytes, contentType });
    return code;
  }

  /**
   * The `authCode` DingTalk's sign-in page (login.dingtalk.com/oauth2/auth) hands back for the
   * account of `userid`, valid five minutes and once. A userid not in the address book is an
   * account outside the organisation: signing in works, the unionId maps to no member.
   */
  signInCode(userid: string): string {
    const code = `ac${randomBytes(12).toString("hex")}`;
    this.authCodes.set(code, { unionId: fakeUnionId(userid), expiresAt: this.options.now() + 5 * 60_000, used: false });
    return code;
  }

  /** A one-to-one chat's session webhook for `userId`, valid for `lifetimeMs` on the fake's clock. */
  sessionWebhook(userId: string, lifetimeMs = 90 * 60_000): { url: string; expiresAt: number } {
    const id = randomBytes(8).toString("hex");
    const expiresAt = this.options.now() + lifetimeMs;
    this.sessions.set(id, { userId, expiresAt });
    return { url: `${this.url}/${API.session}?session=${id}`, expiresAt };
  }

  /** What `userId` saw, in order: robot chat messages, work notifications and cards. */
  chatOf(userId: string): FakeChatItem[] {
    return this.chat.filter((c) => c.userId === userId).map((c) => c.item);
  }

  /** The cards in `userId`'s robot chat. */
  cardsTo(userId: string): FakeCard[] {
    return this.cards.filter((c) => c.userId === userId);
  }

  /** Everything `userId` got in the robot chat. */
  robotTextsTo(userId: string): string[] {
    return this.robotMessages.filter((m) => m.userId === userId).map((m) => m.text);
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
    const addressBook = [API.listsubid, API.deptGet, API.userListid, API.userGet] as string[];
    if (method !== "POST" || (api !== API.asyncsend && api !== API.getsendresult && api !== API.getByUnionId && !addressBook.includes(api))) return this.record(api, { errcode: 404, errmsg: "not found" });
    const expiry = this.tokens.get(query.access_token ?? "");
    if (expiry === undefined) return this.record(api, { errcode: 40014, errmsg: "不合法的access_token" });
    if (expiry <= this.options.now()) return this.record(api, { errcode: 42001, errmsg: "access_token超时" });
    if (addressBook.includes(api)) return this.addressBook(api, body);
    if (api === API.getByUnionId) {
      const member = this.users.find((u) => fakeUnionId(u.userid) === body.unionid);
      return member ? this.record(api, { errcode: 0, errmsg: "ok", result: { contact_type: 0, userid: member.userid } }) : this.record(api, { errcode: 60121, errmsg: "找不到该用户" });
    }
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
    const fileOf = (m: NonNullable<typeof msg>) => (m.msgtype === "file" ? m.file?.media_id : m.msgtype === "image" ? m.image?.media_id : undefined);
    const valid =
      msg &&
      ((msg.msgtype === "text" && typeof msg.text?.content === "string") ||
        (msg.msgtype === "markdown" && typeof msg.markdown?.text === "string" && typeof msg.markdown.title === "string") ||
        this.media.get(fileOf(msg) ?? "")?.type === msg.msgtype);
    if (msg && fileOf(msg) !== undefined && !this.media.has(fileOf(msg) ?? "")) return this.record(API.asyncsend, { errcode: 40007, errmsg: "不合法的媒体文件id" });
    if (!valid) return this.record(API.asyncsend, { errcode: 40000, errmsg: "msg 不合法" });
    if (Buffer.byteLength(JSON.stringify(msg)) > 2048) return this.record(API.asyncsend, { errcode: 40000, errmsg: "msg 超过 2048 字节" });
    const taskId = this.nextTaskId++;
    // Accepted for everyone; past the daily rules a recipient silently gets nothing (PROTOCOLS §3.6).
    const day = new Date(this.options.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const digest = createHash("sha256").update(JSON.stringify(msg)).digest("hex");
    const delivered: string[] = [];
    const dropped: string[] = [];
    for (const userId of userIds) {
      const seen = this.received.get(`${userId}|${day}`) ?? [];
      if (seen.includes(digest) || seen.length >= this.noticesPerUserPerDay) dropped.push(userId);
      else {
        seen.push(digest);
        this.received.set(`${userId}|${day}`, seen);
        delivered.push(userId);
      }
    }
    if (dropped.length) this.undelivered.set(taskId, dropped);
    if (delivered.length) this.notices.push({ taskId, userIds: delivered, msg, at: this.options.now() });
    const shown = msg.text?.content ?? msg.markdown?.text ?? `[文件] ${this.media.get(fileOf(msg) ?? "")?.filename ?? ""}`;
    for (const userId of delivered) this.chat.push({ userId, item: { via: "notice", text: shown } });
    return this.record(API.asyncsend, { errcode: 0, errmsg: "ok", task_id: taskId, request_id: randomBytes(8).toString("hex") });
  }

  /** media/upload (multipart, field `media`): keeps the file and answers its media id. */
  private async mediaUpload(query: Record<string, string>, contentType: string, raw: Buffer): Promise<Record<string, unknown>> {
    const api = API.mediaUpload;
    const injected = this.takeFailure(api);
    if (injected) return this.record(api, { errcode: injected.errcode, errmsg: injected.errmsg ?? "injected failure" });
    const expiry = this.tokens.get(query.access_token ?? "");
    if (expiry === undefined || expiry <= this.options.now()) return this.record(api, { errcode: expiry === undefined ? 40014 : 42001, errmsg: "access_token 无效" });
    if (!["image", "file", "voice"].includes(query.type ?? "")) return this.record(api, { errcode: 40004, errmsg: "不合法的媒体文件类型" });
    let part: File | null = null;
    try {
      const form = await new Request("http://fake/upload", { method: "POST", headers: { "content-type": contentType }, body: raw }).formData();
      const media = form.get("media");
      part = typeof media === "object" ? media : null;
    } catch {
      part = null;
    }
    if (!part || part.size === 0) return this.record(api, { errcode: 40005, errmsg: "缺少 media 文件" });
    const mediaId = `@lAD${randomBytes(12).toString("hex")}`;
    this.media.set(mediaId, { mediaId, type: query.type as string, filename: part.name, contentType: part.type, bytes: Buffer.from(await part.arrayBuffer()) });
    return this.record(api, { errcode: 0, errmsg: "ok", type: query.type, media_id: mediaId, created_at: this.options.now() });
  }

  private addressBook(api: string, body: Record<string, unknown>): Record<string, unknown> {
    const dept = this.departments.find((d) => d.id === Number(body.dept_id));
    if (api === API.userGet) {
      const u = this.users.find((x) => x.userid === body.userid);
      if (!u) return this.record(api, { errcode: 60121, errmsg: "找不到该用户" });
      return this.record(api, { errcode: 0, errmsg: "ok", result: { userid: u.userid, name: u.name, dept_id_list: u.deptIds, ...(u.mobile ? { mobile: u.mobile } : {}), active: u.active !== false } });
    }
    if (!dept) return this.record(api, { errcode: 60003, errmsg: "部门不存在" });
    if (api === API.listsubid) return this.record(api, { errcode: 0, errmsg: "ok", result: { dept_id_list: this.departments.filter((d) => d.parentId === dept.id).map((d) => d.id) } });
    if (api === API.deptGet) return this.record(api, { errcode: 0, errmsg: "ok", result: { dept_id: dept.id, name: dept.name, ...(dept.parentId ? { parent_id: dept.parentId } : {}) } });
    return this.record(api, { errcode: 0, errmsg: "ok", result: { userid_list: this.users.filter((u) => u.deptIds.includes(dept.id)).map((u) => u.userid) } });
  }

  private getsendresult(body: Record<string, unknown>): Record<string, unknown> {
    const taskId = Number(body.task_id);
    const notice = this.notices.find((n) => n.taskId === taskId);
    const dropped = this.undelivered.get(taskId) ?? [];
    if (!notice && dropped.length === 0) return this.record(API.getsendresult, { errcode: 40000, errmsg: "task_id 不存在" });
    const result = { invalid_user_id_list: [], forbidden_user_id_list: dropped, failed_user_id_list: [], read_user_id_list: [], unread_user_id_list: notice?.userIds ?? [] };
    return this.record(API.getsendresult, { errcode: 0, errmsg: "ok", send_result: result });
  }

  private handleV1(api: string, token: string, body: Record<string, unknown>): { status: number; body: Record<string, unknown> } {
    const injected = this.takeFailure(api);
    if (injected) return this.recordV1(api, injected.status ?? 400, { code: injected.code ?? String(injected.errcode), message: injected.errmsg ?? "injected failure" });
    if (api === API.accessToken) {
      if (body.appKey !== this.options.appKey || body.appSecret !== this.options.appSecret) return this.recordV1(api, 400, { code: "invalidClientIdOrSecret", message: "无效的clientId或者clientSecret" });
      const now = this.options.now();
      const live = [...this.tokensV1].find(([, expiry]) => expiry > now);
      const token = live?.[0] ?? `v1${randomBytes(16).toString("hex")}`;
      if (!live) this.tokensV1.set(token, now + (this.options.tokenTtlS ?? 7200) * 1000);
      return this.recordV1(api, 200, { accessToken: token, expireIn: live ? Math.floor((live[1] - now) / 1000) : (this.options.tokenTtlS ?? 7200) });
    }
    if (api === API.userAccessToken) {
      if (body.clientId !== this.options.appKey || body.clientSecret !== this.options.appSecret) return this.recordV1(api, 400, { code: "invalidClientIdOrSecret", message: "无效的clientId或者clientSecret" });
      const grant = this.authCodes.get(String(body.code ?? ""));
      if (body.grantType !== "authorization_code" || !grant || grant.used || grant.expiresAt <= this.options.now()) return this.recordV1(api, 400, { code: "invalidAuthCode", message: "不合法的临时授权码" });
      grant.used = true;
      const accessToken = `ut${randomBytes(16).toString("hex")}`;
      this.userTokens.set(accessToken, { unionId: grant.unionId, expiresAt: this.options.now() + 7200_000 });
      return this.recordV1(api, 200, { accessToken, refreshToken: `rt${randomBytes(16).toString("hex")}`, expireIn: 7200, corpId: "dingfakecorp" });
    }
    if (api === API.usersMe) {
      const user = this.userTokens.get(token);
      if (!user || user.expiresAt <= this.options.now()) return this.recordV1(api, 401, { code: "InvalidAuthentication", message: "不合法的access_token" });
      return this.recordV1(api, 200, { nick: "钉钉用户", unionId: user.unionId, openId: `open${user.unionId.slice(5)}`, stateCode: "86" });
    }
    if (api === "v1.0/robot/oToMessages/batchQuery") return this.recordV1(api, 400, { code: "invalidParameter.processQueryKey", message: "processQueryKey 无效" });
    if (api === API.gateway) {
      if (body.clientId !== this.options.appKey || body.clientSecret !== this.options.appSecret) return this.recordV1(api, 401, { code: "InvalidAuthentication", message: "clientId 或 clientSecret 无效" });
      return this.recordV1(api, 200, this.stream.open());
    }
    const expiry = this.tokensV1.get(token);
    if (expiry === undefined || expiry <= this.options.now()) return this.recordV1(api, 401, { code: "InvalidAuthentication", message: "不合法的access_token" });
    if (api === API.fileDownload) {
      if (body.robotCode !== this.options.appKey) return this.recordV1(api, 400, { code: "invalidParameter.robotCode", message: "robotCode 不存在" });
      const code = String(body.downloadCode ?? "");
      if (!this.files.has(code)) return this.recordV1(api, 400, { code: "invalidParameter.downloadCode", message: "downloadCode 无效" });
      return this.recordV1(api, 200, { downloadUrl: `${this.url}/files/${encodeURIComponent(code)}` });
    }
    if (api === API.robotBatchSend) {
      const userIds = Array.isArray(body.userIds) ? (body.userIds as string[]) : [];
      if (body.robotCode !== this.options.appKey || userIds.length === 0 || userIds.length > 20) return this.recordV1(api, 400, { code: "invalidParameter", message: "参数错误" });
      const param = JSON.parse(String(body.msgParam ?? "{}")) as { content?: string; title?: string; text?: string; mediaId?: string; fileName?: string };
      const markdown = body.msgKey === "sampleMarkdown";
      const file = body.msgKey === "sampleFile";
      if (file && !this.media.has(param.mediaId ?? "")) return this.recordV1(api, 400, { code: "invalidParameter.mediaId", message: "mediaId 无效" });
      const throttled = userIds.filter((u) => this.flowControlled.delete(u));
      const text = file ? `[文件] ${param.fileName ?? ""}` : ((markdown ? param.text : param.content) ?? "");
      for (const userId of userIds.filter((u) => !throttled.includes(u))) this.pushRobot({ userId, via: "robot", msgtype: file ? "file" : markdown ? "markdown" : "text", text, at: this.options.now() });
      return this.recordV1(api, 200, { processQueryKey: randomBytes(8).toString("hex"), invalidStaffIdList: [], flowControlledStaffIdList: throttled });
    }
    if (api === API.robotGroupSend) {
      const conversationId = String(body.openConversationId ?? "");
      if (body.robotCode !== this.options.appKey || !/^cid/.test(conversationId)) return this.recordV1(api, 400, { code: "invalidParameter", message: "参数错误" });
      const minute = Math.floor(this.options.now() / 60_000);
      if (this.groupMessages.filter((m) => Math.floor(m.at / 60_000) === minute).length >= this.groupMessagesPerMinute) {
        return this.recordV1(api, 400, { code: "SendTooFast", message: "send too fast, exceed 20 times per minute" });
      }
      const param = JSON.parse(String(body.msgParam ?? "{}")) as { content?: string; text?: string; fileName?: string };
      const text = body.msgKey === "sampleFile" ? `[文件] ${param.fileName ?? ""}` : (body.msgKey === "sampleMarkdown" ? param.text : param.content) ?? "";
      this.groupMessages.push({ conversationId, msgKey: String(body.msgKey), text, at: this.options.now() });
      return this.recordV1(api, 200, { processQueryKey: randomBytes(8).toString("hex") });
    }
    if (api === API.cardSend) {
      const receiver = JSON.parse(String(body.singleChatReceiver ?? "{}")) as { userId?: string };
      const data = JSON.parse(String(body.cardData ?? "{}")) as StandardCardData;
      if (body.robotCode !== this.options.appKey || !receiver.userId || typeof body.cardBizId !== "string") return this.recordV1(api, 400, { code: "invalidParameter", message: "参数错误" });
      // The same cardBizId again is the same card (a resend after a lost answer).
      if (!this.cards.some((c) => c.bizId === body.cardBizId)) {
        const card: FakeCard = { bizId: body.cardBizId, userId: receiver.userId, title: data.header?.title?.text ?? "", text: cardText(data), buttons: cardButtons(data), callbackRouteKey: String(body.callbackRouteKey ?? ""), at: this.options.now() };
        this.cards.push(card);
        this.chat.push({ userId: receiver.userId, item: { via: "card", text: `${card.title}\n${card.text}`, card } });
      }
      return this.recordV1(api, 200, { processQueryKey: randomBytes(8).toString("hex") });
    }
    if (api === API.cardUpdate) {
      const card = this.cards.find((c) => c.bizId === body.cardBizId);
      if (!card) return this.recordV1(api, 400, { code: "invalidParameter.cardBizId", message: "卡片不存在" });
      const data = JSON.parse(String(body.cardData ?? "{}")) as StandardCardData;
      card.buttons = cardButtons(data);
      const done = (data.contents ?? []).find((c) => c.id === "done")?.text;
      if (done) card.done = done.replace(/\*/g, "");
      return this.recordV1(api, 200, { success: true });
    }
    if (api === API.cardRegister) {
      this.cardCallbacks.set(String(body.callbackRouteKey), String(body.callbackUrl));
      return this.recordV1(api, 200, { result: { callbackUrl: body.callbackUrl, apiSecret: body.apiSecret } });
    }
    return this.recordV1(api, 404, { code: "NotFound", message: "not found" });
  }

  private sessionSend(id: string, body: Record<string, unknown>): Record<string, unknown> {
    const session = this.sessions.get(id);
    if (!session || session.expiresAt <= this.options.now()) return this.record(API.session, { errcode: 300001, errmsg: "session 不存在" });
    const msg = body as FakeWorkNotice["msg"];
    const text = msg.msgtype === "markdown" ? msg.markdown?.text : msg.text?.content;
    if (typeof text !== "string") return this.record(API.session, { errcode: 40000, errmsg: "msg 不合法" });
    this.pushRobot({ userId: session.userId, via: "session", msgtype: msg.msgtype === "markdown" ? "markdown" : "text", text, at: this.options.now() });
    return this.record(API.session, { errcode: 0, errmsg: "ok" });
  }

  private pushRobot(m: FakeRobotMessage): void {
    this.robotMessages.push(m);
    this.chat.push({ userId: m.userId, item: { via: m.via, text: m.text } });
  }

  private recordV1(api: string, status: number, body: Record<string, unknown>): { status: number; body: Record<string, unknown> } {
    this.calls.push({ api, errcode: status === 200 ? 0 : status, at: this.options.now() });
    return { status, body };
  }

  private takeFailure(api: string): FakeFailure | undefined {
    const rule = this.failures.find((f) => f.api === api && f.remaining > 0);
    if (!rule) return undefined;
    if (rule.skip > 0) {
      rule.skip--;
      return undefined;
    }
    rule.remaining--;
    return rule.failure;
  }

  private record(api: string, reply: Record<string, unknown>): Record<string, unknown> {
    this.calls.push({ api, errcode: Number(reply.errcode ?? 0), at: this.options.now() });
    return reply;
  }
}
