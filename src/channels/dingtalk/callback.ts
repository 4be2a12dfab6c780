import { randomBytes } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import type { InboundEvent, InboundSink } from "../channel";
import type { Clock } from "../../clock";
import { AppError } from "../../errors";
import type { Logger } from "../../log";
import { constantTimeEqual, DingtalkCrypto, DingtalkCryptoError, robotSignatureValid } from "./crypto";
import { eventsOf, MalformedDingtalkMessage, parseEventPayload, robotEvent, robotSender, robotSession } from "./inbound";
import { callbackKey, cardClickEvent, type DingtalkCards, DINGTALK_CARDS_PATH } from "./cards";
import type { RobotSessions } from "./sessions";

/** The event subscription's request URL (开发者后台 → 事件订阅 → 请求网址). */
export const DINGTALK_EVENTS_PATH = "/dingtalk/events";
/** The enterprise robot's message URL (机器人 → 消息接收地址). */
export const DINGTALK_ROBOT_PATH = "/dingtalk/robot";

/** The robot `sign` header is good for an hour either side (PROTOCOLS §3.3). */
const ROBOT_WINDOW_MS = 3_600_000;

/** The part of `config.dingtalk` the callbacks need. */
export interface DingtalkCallbackSettings {
  appKey: string;
  appSecret: string;
  token: string;
  aesKey: string;
  /** Events further off than this are refused; 0 turns the check off. */
  replayWindowS: number;
}

export interface DingtalkCallbackDeps {
  settings: DingtalkCallbackSettings;
  sink: InboundSink;
  clock: Clock;
  /** Where a robot chat's reply URL is kept for the sender. */
  sessions: RobotSessions;
  /** Turns the clicker's card into its done line once the click is stored. */
  cards: DingtalkCards;
  /** The clicked button's done label (已收到 / 已落实 / 已确认). */
  buttonLabel?: (event: Extract<InboundEvent, { kind: "card_click" }>, pressed?: string) => string;
}

type Refusal = "params" | "malformed" | "signature" | "stale" | "receiver";

const REFUSALS: Record<Refusal, () => AppError> = {
  params: () => new AppError("dingtalk_bad_request", "钉钉回调缺少必要参数", 400),
  malformed: () => new AppError("dingtalk_malformed", "钉钉回调内容格式不正确", 400),
  signature: () => new AppError("dingtalk_bad_signature", "钉钉回调签名校验失败", 401),
  stale: () => new AppError("dingtalk_stale_timestamp", "钉钉回调时间戳超出允许范围", 401),
  receiver: () => new AppError("dingtalk_wrong_receiver", "钉钉回调的接收方不是本应用", 401),
};

/** Logs one line naming the refusal (never the ciphertext or plaintext) and throws the answer. */
function refuse(ctx: Context, refusal: Refusal, reason: string): never {
  const err = REFUSALS[refusal]();
  (ctx.state.log as Logger).warn({ code: err.code, reason }, "dingtalk callback refused");
  throw err;
}

/**
 * `POST /dingtalk/events` (HTTP event subscription, PROTOCOLS §3.2) verifies and decrypts an event,
 * stores what it means in the inbox and answers the encrypted `success` JSON at once — for
 * `check_url`, duplicates and unhandled types too, or DingTalk counts the push as failed.
 * `POST /dingtalk/robot` (enterprise robot, §3.3) checks the `timestamp` + `sign` headers and
 * stores a text message; replies go out through the outbox as work notifications.
 */
export function dingtalkCallbackRouter(deps: DingtalkCallbackDeps): Router {
  const router = new Router();
  const { settings, sink, clock } = deps;
  const crypto = new DingtalkCrypto({ token: settings.token, aesKey: settings.aesKey, appKey: settings.appKey });
  const ignoredTypes = new Set<string>();

  router.post(DINGTALK_EVENTS_PATH, async (ctx) => {
    // Both spellings occur (the official README accepts both).
    const givenSignature = queryParam(ctx, "signature") ?? queryParam(ctx, "msg_signature");
    const timestamp = queryParam(ctx, "timestamp") ?? queryParam(ctx, "timeStamp");
    const nonce = queryParam(ctx, "nonce");
    if (!givenSignature || !timestamp || !nonce) refuse(ctx, "params", "query");
    if (!/^\d{13}$/.test(timestamp)) refuse(ctx, "params", "timestamp");
    if (settings.replayWindowS > 0 && Math.abs(clock.now().getTime() - Number(timestamp)) > settings.replayWindowS * 1000) refuse(ctx, "stale", "timestamp");
    const encrypted = (ctx.request.body as { encrypt?: unknown } | undefined)?.encrypt;
    if (typeof encrypted !== "string" || encrypted === "") refuse(ctx, "malformed", "encrypt");
    if (!crypto.verify(givenSignature, timestamp, nonce, encrypted)) refuse(ctx, "signature", "signature");
    let plain: string;
    try {
      plain = crypto.decrypt(encrypted);
    } catch (err) {
      if (!(err instanceof DingtalkCryptoError)) throw err;
      refuse(ctx, err.reason === "wrong_receiver" ? "receiver" : "malformed", err.reason);
    }
    const payload = decode(ctx, () => parseEventPayload(plain));
    const events = decode(ctx, () => eventsOf(payload, plain, clock.now()));
    if (events.length === 0 && payload.EventType !== "check_url") noteIgnored(ctx, String(payload.EventType), ignoredTypes);
    await storeAll(ctx, sink, events);
    ctx.status = 200;
    ctx.type = "application/json";
    ctx.body = crypto.successReply(String(clock.now().getTime()), randomBytes(6).toString("hex"));
  });

  router.post(DINGTALK_ROBOT_PATH, async (ctx) => {
    const timestamp = ctx.get("timestamp");
    const sign = ctx.get("sign");
    if (!timestamp || !sign) refuse(ctx, "params", "headers");
    if (!robotSignatureValid(timestamp, sign, settings.appSecret, clock.now().getTime(), ROBOT_WINDOW_MS)) refuse(ctx, "signature", "sign");
    const event = decode(ctx, () => robotEvent(ctx.request.body, clock.now()));
    const sender = robotSender(ctx.request.body);
    // Before the event is stored, so the reply its handling queues finds the session to go back through.
    if (event && sender) await deps.sessions.remember(sender, robotSession(ctx.request.body), clock.now().getTime());
    if (event) await storeAll(ctx, sink, [event]);
    else noteIgnored(ctx, `robot:${String((ctx.request.body as { msgtype?: unknown }).msgtype)}`, ignoredTypes);
    ctx.status = 200;
    ctx.type = "application/json";
    ctx.body = {};
  });

  // Card clicks (PROTOCOLS §3.7): the registered URL carries a key derived from the app secret.
  const cardKey = callbackKey(settings.appSecret);
  const label = deps.buttonLabel ?? (() => "已确认");
  router.post(DINGTALK_CARDS_PATH, async (ctx) => {
    if (!constantTimeEqual(cardKey, queryParam(ctx, "key") ?? "")) refuse(ctx, "signature", "card_key");
    const event = decode(ctx, () => cardClickEvent(ctx.request.body, clock.now()));
    await storeAll(ctx, sink, [event]);
    // Duplicates update the card too: a retry means DingTalk did not see our first answer.
    void new Promise<void>((resolve) => ctx.res.once("close", resolve)).then(() =>
      deps.cards.markDone(event.taskId, event.buttonKey, (pressed) => label(event, pressed)).catch((err: unknown) => (ctx.state.log as Logger).warn({ code: (err as { code?: unknown }).code }, "dingtalk card not updated")),
    );
    ctx.status = 200;
    ctx.type = "application/json";
    ctx.body = {};
  });

  return router;
}

function queryParam(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function decode<T>(ctx: Context, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof MalformedDingtalkMessage) refuse(ctx, "malformed", `field_${err.field}`);
    throw err;
  }
}

/**
 * Stores every event before the answer goes out and dispatches the new ones once it has. A storage
 * failure answers 503 so DingTalk delivers again; the driver's error (which quotes the message)
 * never reaches the log.
 */
async function storeAll(ctx: Context, sink: InboundSink, events: InboundEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Listen before storing: 'close' fires once the answer is out, so processing never delays it.
  const answered = new Promise<void>((resolve) => ctx.res.once("close", resolve));
  const fresh: InboundEvent[] = [];
  try {
    for (const event of events) if ((await sink.accept(event)) === "new") fresh.push(event);
  } catch (err) {
    (ctx.state.log as Logger).error({ err: (err as Error)?.name, code: (err as { code?: unknown })?.code }, "dingtalk callback not stored");
    throw new AppError("dingtalk_store_unavailable", "暂时无法保存钉钉消息，请稍后重试", 503, undefined, true);
  }
  if (fresh.length > 0) void answered.then(() => fresh.forEach((e) => sink.dispatchSoon(e)));
}

// Unknown types are logged once per type per process, so a chatty event cannot flood the log.
function noteIgnored(ctx: Context, type: string, seen: Set<string>): void {
  if (seen.has(type) || seen.size >= 100) return;
  seen.add(type);
  (ctx.state.log as Logger).info({ type }, "dingtalk callback type not handled; ignored");
}
