import { randomInt } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import type { InboundEvent, InboundSink } from "../channel";
import type { Clock } from "../../clock";
import type { KeyValue } from "../../kv";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import { cardWordsKey } from "./cards";
import { CallbackCrypto, WecomCryptoError } from "./crypto";
import { MalformedMessageError, toInboundEvent, typeOf } from "./inbound";
import { buildXml, extractEncrypt, parseMessageXml, WecomXmlError } from "./xml";

/** Where WeChat Work delivers the app's callbacks (应用 → 接收消息 → 设置API接收). */
export const WECOM_CALLBACK_PATH = "/wecom/callback";

/** The part of `config.wecom` the callback needs. */
export interface WecomCallbackSettings {
  corpId: string;
  token: string;
  encodingAesKey: string;
  /** Refuse callbacks whose timestamp is further off than this many seconds; 0 turns it off. */
  replayWindowS: number;
}

export interface WecomCallbackDeps {
  /** `config.wecom`; undefined when the channel is disabled, and then nothing is mounted (404). */
  settings: WecomCallbackSettings | undefined;
  sink: InboundSink;
  clock: Clock;
  /** The clicked button's new label in the passive `update_button` reply. */
  buttonLabel?: (event: Extract<InboundEvent, { kind: "card_click" }>, pressed?: string) => string;
  /** Where the sender kept each button card's words (cards.ts), so the reply can say what was chosen. */
  kv?: KeyValue;
}

type Refusal = "params" | "malformed" | "signature" | "stale" | "receiver";

const REFUSALS: Record<Refusal, () => AppError> = {
  params: () => new AppError("wecom_bad_request", "企业微信回调缺少必要参数", 400),
  malformed: () => new AppError("wecom_malformed", "企业微信回调内容格式不正确", 400),
  signature: () => new AppError("wecom_bad_signature", "企业微信回调签名校验失败", 401),
  stale: () => new AppError("wecom_stale_timestamp", "企业微信回调时间戳超出允许范围", 401),
  receiver: () => new AppError("wecom_wrong_receiver", "企业微信回调的接收方不是本企业", 401),
};

/** Logs one line naming the refusal (never the ciphertext or plaintext) and throws the answer. */
function refuse(ctx: Context, refusal: Refusal, reason: string): never {
  const err = REFUSALS[refusal]();
  (ctx.state.log as Logger).warn({ code: err.code, reason }, "wecom callback refused");
  throw err;
}

/**
 * `GET /wecom/callback` answers the URL check with the bare decrypted echostr; `POST` verifies,
 * decrypts and parses a message or event, stores it in the inbox and answers at once — an empty
 * 200, or for a card click the encrypted `update_button` reply (docs/PROTOCOLS.md §2.2–2.5, §4).
 */
export function wecomCallbackRouter(deps: WecomCallbackDeps): Router {
  const router = new Router();
  const settings = deps.settings;
  if (!settings) return router;
  const crypto = new CallbackCrypto({ token: settings.token, encodingAesKey: settings.encodingAesKey, receiverId: settings.corpId });
  const label = deps.buttonLabel ?? (() => "已确认");
  const ignoredTypes = new Set<string>();

  const checkFresh = (ctx: Context, timestamp: string) => {
    if (!/^\d{1,13}$/.test(timestamp)) refuse(ctx, "params", "timestamp");
    const skewS = Math.abs(deps.clock.now().getTime() / 1000 - Number(timestamp));
    if (settings.replayWindowS > 0 && skewS > settings.replayWindowS) refuse(ctx, "stale", "timestamp");
  };

  // Verified ciphertext → plaintext; every failure becomes the matching refusal.
  const open = (ctx: Context, encrypted: string): string => {
    try {
      return crypto.decrypt(encrypted);
    } catch (err) {
      if (!(err instanceof WecomCryptoError)) throw err;
      return refuse(ctx, err.reason === "wrong_receiver" ? "receiver" : "malformed", err.reason);
    }
  };

  router.get(WECOM_CALLBACK_PATH, (ctx) => {
    const q = queryParams(ctx, ["msg_signature", "timestamp", "nonce", "echostr"]);
    checkFresh(ctx, q.timestamp);
    let echostr = q.echostr;
    if (!crypto.verify(q.msg_signature, q.timestamp, q.nonce, echostr)) {
      // A proxy that decodes and re-encodes the query turns '+' into a space (docs/PROTOCOLS.md §1.6).
      const restored = echostr.replace(/ /g, "+");
      if (restored === echostr || !crypto.verify(q.msg_signature, q.timestamp, q.nonce, restored)) refuse(ctx, "signature", "signature");
      echostr = restored;
    }
    const plain = open(ctx, echostr);
    // A POST's signed Encrypt replayed here as echostr must not be decrypted back to its sender:
    // real echostr plaintexts are short tokens (digits), never XML.
    if (plain.includes("<") || plain.length > 512) refuse(ctx, "malformed", "echostr_not_token");
    ctx.type = "text/plain";
    ctx.body = plain;
  });

  router.post(WECOM_CALLBACK_PATH, async (ctx) => {
    const q = queryParams(ctx, ["msg_signature", "timestamp", "nonce"]);
    checkFresh(ctx, q.timestamp);
    const encrypted = decode(ctx, () => extractEncrypt(ctx.request.rawBody?.toString("utf8") ?? ""));
    if (!crypto.verify(q.msg_signature, q.timestamp, q.nonce, encrypted)) refuse(ctx, "signature", "signature");
    const plain = open(ctx, encrypted);
    const xml = decode(ctx, () => parseMessageXml(plain));
    const event = decode(ctx, () => toInboundEvent(xml));
    if (!event) {
      noteIgnored(ctx, typeOf(xml), ignoredTypes);
      return answerEmpty(ctx);
    }
    // 'close' fires once the answer is out (or the caller went away): processing never delays it.
    // Listen before storing: a caller that gives up while we store would otherwise leave the event
    // to the redrive job a minute later.
    const answered = new Promise<void>((resolve) => ctx.res.once("close", resolve));
    const outcome = await store(ctx, deps.sink, event);
    if (outcome === "new") void answered.then(() => deps.sink.dispatchSoon(event));
    if (event.kind !== "card_click") return answerEmpty(ctx);
    // Duplicates get the reply too: a retry means WeCom did not see our first answer.
    const now = Math.floor(deps.clock.now().getTime() / 1000);
    const pressed = await pressedWords(ctx, deps.kv, settings.corpId, event);
    const inner = buildXml({ ToUserName: event.senderId, FromUserName: settings.corpId, CreateTime: now, MsgType: "update_button", Button: { ReplaceName: label(event, pressed) } });
    const nonce = String(randomInt(1e9, 1e10));
    const sealed = crypto.seal(inner, String(now), nonce);
    ctx.status = 200;
    ctx.type = "application/xml";
    ctx.body = buildXml({ Encrypt: sealed.encrypt, MsgSignature: sealed.signature, TimeStamp: now, Nonce: nonce });
  });

  return router;
}

/**
 * The pressed button's words as the card showed them, kept when it was sent; undefined when they
 * are not known (sent by another deployment, or the kv failed): the reply then says less, never fails.
 */
async function pressedWords(ctx: Context, kv: KeyValue | undefined, corpId: string, event: Extract<InboundEvent, { kind: "card_click" }>): Promise<string | undefined> {
  if (!kv) return undefined;
  try {
    const kept = await kv.get(cardWordsKey(corpId, event.taskId));
    const words = kept ? (JSON.parse(kept) as Record<string, unknown>)[event.buttonKey] : undefined;
    return typeof words === "string" ? words : undefined;
  } catch (err) {
    (ctx.state.log as Logger).warn({ err: (err as Error)?.name }, "wecom card words not read");
    return undefined;
  }
}

/** The documented "no reply": HTTP 200 with an empty body, which WeCom does not retry. */
function answerEmpty(ctx: Context): void {
  ctx.status = 200;
  ctx.type = "text/plain";
  ctx.body = "";
}

function queryParams<K extends string>(ctx: Context, names: K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  const query = ctx.query; // a getter that parses the URL each time it is read
  for (const name of names) {
    const value = query[name];
    if (typeof value !== "string" || value === "") refuse(ctx, "params", `missing_${name}`);
    out[name] = value;
  }
  return out;
}

// Runs a parsing step; its typed failures mean a malformed callback, anything else is a bug.
function decode<T>(ctx: Context, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof WecomXmlError || err instanceof WecomCryptoError) refuse(ctx, "malformed", err.reason);
    if (err instanceof MalformedMessageError) refuse(ctx, "malformed", `field_${err.field}`);
    throw err;
  }
}

// A storage failure answers 503 so WeCom retries; the driver's error (which quotes the insert's
// parameters, i.e. the message) never reaches the log.
async function store(ctx: Context, sink: InboundSink, event: InboundEvent): Promise<"new" | "duplicate"> {
  try {
    return await sink.accept(event);
  } catch (err) {
    (ctx.state.log as Logger).error({ err: (err as Error)?.name, code: (err as { code?: unknown })?.code }, "wecom callback not stored");
    throw new AppError("wecom_store_unavailable", "暂时无法保存企业微信消息，请稍后重试", 503, undefined, true);
  }
}

// Unknown types are logged once per type per process, so a chatty event cannot flood the log.
function noteIgnored(ctx: Context, type: string, seen: Set<string>): void {
  if (seen.has(type) || seen.size >= 100) return;
  seen.add(type);
  (ctx.state.log as Logger).info({ type }, "wecom callback type not handled; ignored");
}
