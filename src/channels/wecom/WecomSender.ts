import type { KeyValue } from "../../kv";
import type { MediaStore } from "../../media/MediaStore";
import type { ChannelSender, OutboundMessage, SendOptions as ChannelSendOptions, SendResult } from "../channel";
import type { WecomApi, WecomReply } from "./api";
import { CARD_WORDS_TTL_MS, callTaskId, cardWords, cardWordsKey } from "./cards";
import { joinRecipients } from "./limits";
import { uploadMedia } from "./media";
import { recallPayload, type SendableMessage, type SendOptions, sendPayload, updateCardPayload, uploadKindOf } from "./messages";
import { WecomError } from "./wecomError";

/** The platform's longest duplicate-check window, covering the outbox's retry horizon. */
const RESEND_DUPLICATE_CHECK_S = 4 * 3600;

/** media_ids live 3 days; reuse one for a little less, so every batch of a file uploads it once. */
const MEDIA_ID_TTL_MS = 60 * 60 * 60_000;

export interface WecomSenderOptions {
  api: WecomApi;
  /** Where `file` messages' bytes are read from; file messages fail without it. */
  media?: MediaStore;
  /** Caches uploaded media_ids across batches and instances; without it every batch uploads again. */
  kv?: KeyValue;
  /** Turns the platform's duplicate-request check on for every send, for this many seconds. */
  duplicateCheckS?: number;
}

interface SendReply extends WecomReply {
  msgid?: string;
  response_code?: string;
  invaliduser?: string | string[];
  unlicenseduser?: string | string[];
}

/**
 * The outbox worker's way into WeChat Work: one `send` per batch of at most 1000 recipients.
 * Returns the platform's msgid, the card's response_code and the recipients it refused; throws a
 * `WecomError` (a ChannelError) whose `retryable` tells the worker whether to try again.
 */
export class WecomSender implements ChannelSender {
  readonly id = "wecom" as const;
  readonly maxRecipientsPerCall = 1000;

  constructor(private readonly options: WecomSenderOptions) {}

  async send(recipients: string[], message: OutboundMessage, options: ChannelSendOptions = {}): Promise<SendResult> {
    const { api } = this.options;
    // The duplicate check is on for resends only: it compares whole bodies, so on a first send it
    // would also suppress a deliberate repeat — the same reminder text to the same person within
    // the window (4 h) would never arrive. A resend may repeat a request the platform already
    // accepted, so there the identical body must be dropped. Unconfirmed: whether the platform
    // matches a flagged resend against a first request that went out WITHOUT the flag; the fake
    // assumes it does (it ignores the two check fields when comparing).
    const sendOptions = { duplicateCheckS: options.resend ? RESEND_DUPLICATE_CHECK_S : this.options.duplicateCheckS };
    switch (message.kind) {
      case "recall":
        await api.post("message/recall", recallPayload(message.platformMessageId));
        return { invalidUsers: [] };
      case "card_update": {
        const reply = await api.post<SendReply>("message/update_template_card", updateCardPayload(api.agentId, recipients, message.responseCode, message.replaceText));
        return { invalidUsers: splitUsers(reply.invaliduser) };
      }
      case "file":
        return this.sendFile(recipients, message, sendOptions);
      case "card": {
        // task_id must be unique per app, and one card may go out in several calls: one id per recipient group.
        const card = message.card.buttons?.length ? { ...message.card, taskId: callTaskId(message.card.taskId, recipients) } : message.card;
        // Kept before sending: a click can only come after the card arrives.
        if (card.buttons?.length) await this.options.kv?.set(cardWordsKey(api.corpId, card.taskId), JSON.stringify(cardWords(card)), CARD_WORDS_TTL_MS);
        return this.post(sendPayload(api.agentId, recipients, { kind: "card", card }, sendOptions));
      }
      default:
        return this.post(sendPayload(api.agentId, recipients, message, sendOptions));
    }
  }

  private async sendFile(recipients: string[], message: Extract<SendableMessage, { kind: "file" }>, options: SendOptions): Promise<SendResult> {
    joinRecipients(recipients); // refuse a bad batch before uploading anything
    const mediaId = await this.mediaIdFor(message.storageKey, false);
    try {
      return await this.post(sendPayload(this.options.api.agentId, recipients, message, { ...options, mediaId }));
    } catch (err) {
      // A cached media_id may have expired early on the platform's side: upload again, once.
      if (!(err instanceof WecomError) || err.errcode !== 40007) throw err;
      const fresh = await this.mediaIdFor(message.storageKey, true);
      return this.post(sendPayload(this.options.api.agentId, recipients, message, { ...options, mediaId: fresh }));
    }
  }

  private async post(payload: Record<string, unknown>): Promise<SendResult> {
    let reply: SendReply;
    try {
      reply = await this.options.api.post<SendReply>("message/send", payload);
    } catch (err) {
      // 81013: every recipient was refused. That is about the people (unreachable), not the message.
      if (err instanceof WecomError && err.errcode === 81013) return { invalidUsers: String(payload.touser ?? "").split("|").filter(Boolean) };
      throw err;
    }
    return {
      platformMessageId: reply.msgid || undefined,
      responseCode: reply.response_code || undefined,
      invalidUsers: [...splitUsers(reply.invaliduser), ...splitUsers(reply.unlicenseduser)],
    };
  }

  private async mediaIdFor(storageKey: string, forceUpload: boolean): Promise<string> {
    const { api, media, kv } = this.options;
    if (!media) throw new WecomError("wecom_media_unavailable", "未配置文件存储，无法发送文件消息", false, { api: "media/upload" });
    // The upload kind is part of the key: a media_id uploaded as a file cannot be sent as a picture.
    const cacheKey = `wecom:media:${api.corpId}:${uploadKindOf(storageKey)}:${storageKey}`;
    if (kv && !forceUpload) {
      const cached = await kv.get(cacheKey);
      if (cached) return cached;
    }
    const file = await media.read(storageKey);
    const mediaId = await uploadMedia(api, { bytes: file.bytes, contentType: file.contentType, filename: displayName(storageKey) }, uploadKindOf(storageKey));
    await kv?.set(cacheKey, mediaId, MEDIA_ID_TTL_MS);
    return mediaId;
  }
}

/** `a|b` (message/send) or `["a","b"]` (update_template_card) → `["a","b"]`. */
function splitUsers(value: string | string[] | undefined): string[] {
  const list = Array.isArray(value) ? value : (value ?? "").split("|");
  return list.map((u) => u.trim()).filter((u) => u !== "");
}

/** The name recipients see: `安哨文件-20261126.pdf` (the storage key's date and extension, nothing random). */
function displayName(storageKey: string): string {
  const [date, rest] = storageKey.split("-");
  return `安哨文件-${date}.${rest?.split(".").pop() ?? "bin"}`;
}
