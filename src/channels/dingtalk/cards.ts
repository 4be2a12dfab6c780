import { createHash, createHmac } from "node:crypto";
import { type Card, ChannelError, type InboundEvent } from "../channel";
import type { KeyValue } from "../../kv";
import type { DingtalkApi } from "./api";
import { MalformedDingtalkMessage } from "./inbound";

/**
 * Button cards as the robot's interactive cards (互动卡片, PROTOCOLS §3.7 and §4): the built-in
 * `StandardCard` template, so a deployment needs no template of its own. Every recipient gets their
 * own instance (`cardBizId` = the card's task id + 8 hex of their userid, the suffix the bots and
 * 叫应 already accept), so the click names the card and the person, and only that person's card
 * turns into 已收到 / 已落实.
 */

export const CARD_SEND_API = "/v1.0/im/v1.0/robot/interactiveCards/send";
export const CARD_UPDATE_API = "/v1.0/im/robots/interactiveCards";
export const CARD_CALLBACK_REGISTER_API = "/v1.0/card/callbacks/register";
/** Where HTTP card callbacks come (registered under our route key by `npm run sync:dingtalk -- --register-cards <地址>`). */
export const DINGTALK_CARDS_PATH = "/dingtalk/cards";
/** The route key our card callbacks are registered under. */
export const CALLBACK_ROUTE_KEY = "anshao-cards";
/** Card content kept for the update after a click: as long as people may still answer. */
const CARD_KEEP_MS = 3 * 24 * 3_600_000;

/** One person's instance of a card. */
export function cardBizId(taskId: string, userId: string): string {
  return `${taskId}-${createHash("sha256").update(userId).digest("hex").slice(0, 8)}`;
}

/**
 * The secret in the callback URL we register: DingTalk posts card clicks to it, and the URL is the
 * credential (as a session webhook is). Derived from the app secret, so nothing more to configure.
 */
export function callbackKey(appSecret: string): string {
  return createHmac("sha256", appSecret).update("anshao:dingtalk:cards").digest("hex").slice(0, 32);
}

/** StandardCard data: header, the text, and one "回传请求" button per choice (or the done line). */
export function standardCardData(card: Card, done?: string): Record<string, unknown> {
  const lines = [card.description, ...(card.fields ?? []).map((f) => `**${f.label}**：${f.value}`)].filter(Boolean).join("\n\n");
  const actions = (card.buttons ?? []).map((b) => ({
    type: "button",
    label: { type: "text", text: b.label },
    actionType: "request",
    status: b.style === 1 ? "primary" : b.style === 4 ? "warning" : "normal",
    id: b.key,
  }));
  return {
    config: { autoLayout: true, enableForward: false },
    header: { title: { type: "text", text: card.title } },
    contents: [
      ...(lines ? [{ type: "markdown", text: lines, id: "text" }] : []),
      done ? { type: "markdown", text: `**${done}**`, id: "done" } : { type: "action", actions, id: "actions" },
    ],
  };
}

export class DingtalkCards {
  constructor(private readonly deps: { api: DingtalkApi; kv: KeyValue; robotCode: string; appSecret: string }) {}

  /** Registers `<publicBase>/dingtalk/cards?key=…` as where DingTalk posts this app's card clicks (HTTP mode). */
  async registerCallback(publicBase: string): Promise<void> {
    const callbackUrl = `${publicBase.replace(/\/+$/, "")}${DINGTALK_CARDS_PATH}?key=${callbackKey(this.deps.appSecret)}`;
    await this.deps.api.v1("POST", CARD_CALLBACK_REGISTER_API, { callbackRouteKey: CALLBACK_ROUTE_KEY, callbackUrl, apiSecret: callbackKey(this.deps.appSecret), forceUpdate: true });
  }

  /** Sends `card` to one person; the content is kept so their click can turn it into a done line. */
  async send(card: Card, userId: string): Promise<void> {
    const bizId = cardBizId(card.taskId, userId);
    await this.deps.kv.set(`dingtalk:card:${bizId}`, JSON.stringify(card), CARD_KEEP_MS);
    await this.deps.api
      .v1("POST", CARD_SEND_API, {
        cardTemplateId: "StandardCard",
        cardBizId: bizId,
        robotCode: this.deps.robotCode,
        singleChatReceiver: JSON.stringify({ userId }),
        cardData: JSON.stringify(standardCardData(card)),
        callbackRouteKey: CALLBACK_ROUTE_KEY,
      })
      .catch((err: unknown) => {
        // A resend after a lost answer names the same cardBizId: the person already has this card.
        if (err instanceof ChannelError && /duplicat|exist/i.test(err.code)) return;
        throw err;
      });
  }

  /**
   * The clicker's card, its buttons replaced by the done line `label` gives for the pressed
   * button's words (已收到 / 已落实 on 叫应 cards, 已选：交办 elsewhere, as on WeChat Work).
   */
  async markDone(bizId: string, buttonKey: string, label: (pressed?: string) => string): Promise<void> {
    await this.replaceButtons(bizId, (card) => label(card.buttons?.find((b) => b.key === buttonKey)?.label));
  }

  /**
   * A card whose question has passed without a click (answered by typing, cancelled, handled by
   * someone else): the person's copy shows `text` ("已取消", "已由郭强交办") instead of its buttons.
   */
  async markPassed(taskId: string, userId: string, text: string): Promise<void> {
    await this.replaceButtons(cardBizId(taskId, userId), () => text);
  }

  /** A card no longer remembered (past CARD_KEEP_MS) is left as it is: its buttons answer 已失效 anyway. */
  private async replaceButtons(bizId: string, done: (card: Card) => string): Promise<void> {
    const raw = await this.deps.kv.get(`dingtalk:card:${bizId}`);
    if (!raw) return;
    const card = JSON.parse(raw) as Card;
    await this.deps.api.v1("PUT", CARD_UPDATE_API, { cardBizId: bizId, cardData: JSON.stringify(standardCardData(card, done(card))) });
  }
}

/** The body of a card callback (HTTP, or a Stream frame's data): who clicked which button on which card. */
export function cardClickEvent(body: unknown, receivedAt: Date): Extract<InboundEvent, { kind: "card_click" }> {
  const b = (typeof body === "object" && body !== null ? body : {}) as { outTrackId?: unknown; userId?: unknown; value?: unknown; content?: unknown };
  if (typeof b.outTrackId !== "string" || !/^[0-9A-Za-z_\-@.:]{1,128}$/.test(b.outTrackId)) throw new MalformedDingtalkMessage("outTrackId");
  if (typeof b.userId !== "string" || b.userId === "" || b.userId.length > 64) throw new MalformedDingtalkMessage("userId");
  const raw = typeof b.value === "string" ? b.value : b.content;
  let actionId: unknown;
  try {
    actionId = (JSON.parse(String(raw)) as { cardPrivateData?: { actionIds?: unknown[] } }).cardPrivateData?.actionIds?.[0];
  } catch {
    throw new MalformedDingtalkMessage("value");
  }
  if (typeof actionId !== "string" || actionId === "" || actionId.length > 64) throw new MalformedDingtalkMessage("actionIds");
  return {
    channel: "dingtalk",
    // A second click on the same button of the same card is the same answer.
    eventId: `card:${b.outTrackId}:${actionId}`,
    senderId: b.userId,
    occurredAt: receivedAt,
    kind: "card_click",
    taskId: b.outTrackId,
    buttonKey: actionId,
  };
}
