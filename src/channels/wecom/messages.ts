import type { OutboundMessage } from "../channel";
import { templateCard } from "./cards";
import { LIMITS, joinRecipients, requireBytes, requireChars, requireText } from "./limits";
import { invalidMessage } from "./wecomError";

/**
 * OutboundMessage → the exact JSON bodies of message/send, message/update_template_card and
 * message/recall (PROTOCOLS §2.6, §2.7). Pure functions: no network, easy to pin in tests.
 */

/** The kinds that go out through message/send (a file once its bytes are uploaded). */
export type SendableMessage = Exclude<OutboundMessage, { kind: "card_update" } | { kind: "recall" }>;

export interface SendOptions {
  /** The uploaded file's media_id, required for `file`. */
  mediaId?: string;
  /**
   * When set, the platform drops a request whose JSON equals one sent within this many seconds —
   * a guard against a retry after a timeout that had in fact been delivered (max 4 h).
   */
  duplicateCheckS?: number;
}

/** The message/send body for `message` to `recipients` (WeChat Work userids). */
export function sendPayload(agentId: number, recipients: string[], message: SendableMessage, options: SendOptions = {}): Record<string, unknown> {
  const head: Record<string, unknown> = { touser: joinRecipients(recipients), agentid: agentId };
  const tail = duplicateCheck(options.duplicateCheckS);
  switch (message.kind) {
    case "text":
      return { ...head, msgtype: "text", text: { content: requireBytes("文本消息", requireText("文本消息", message.text), LIMITS.textBytes) }, ...tail };
    case "markdown":
      return { ...head, msgtype: "markdown", markdown: { content: requireBytes("Markdown 消息", requireText("Markdown 消息", message.markdown), LIMITS.markdownBytes) }, ...tail };
    case "textcard":
      return { ...head, msgtype: "textcard", textcard: textcard(message), ...tail };
    case "news":
      return { ...head, msgtype: "news", news: { articles: articles(message.articles) }, ...tail };
    case "file": {
      if (!options.mediaId) throw invalidMessage("文件消息缺少已上传文件的 media_id。");
      // A photo goes out as a picture the recipient sees in the chat, not a file to download.
      const msgtype = uploadKindOf(message.storageKey);
      return { ...head, msgtype, [msgtype]: { media_id: options.mediaId }, ...tail };
    }
    case "card":
      return { ...head, msgtype: "template_card", template_card: templateCard(message.card), ...tail };
  }
}

/**
 * The update_template_card body that greys out the card's buttons with `replaceText`. One
 * response_code allows one update, so the recipients cannot be split over several calls: with
 * none named, everyone who received the card is updated (`atall`).
 */
export function updateCardPayload(agentId: number, recipients: string[], responseCode: string, replaceText: string): Record<string, unknown> {
  requireText("卡片更新凭证（response_code）", responseCode);
  requireText("按钮替换文字", replaceText);
  const who = recipients.length === 0 ? { atall: 1 } : { userids: joinRecipients(recipients).split("|") };
  return { ...who, agentid: agentId, response_code: responseCode, button: { replace_name: replaceText } };
}

/** The message/recall body. */
export function recallPayload(platformMessageId: string): Record<string, unknown> {
  return { msgid: requireText("要撤回的消息 ID", platformMessageId) };
}

function textcard(m: Extract<OutboundMessage, { kind: "textcard" }>): Record<string, unknown> {
  return {
    title: requireBytes("文本卡片标题", requireText("文本卡片标题", m.title), LIMITS.textcardTitleBytes),
    description: requireBytes("文本卡片描述", requireText("文本卡片描述", m.description), LIMITS.textcardDescriptionBytes),
    url: requireBytes("文本卡片链接", requireText("文本卡片链接", m.url), LIMITS.urlBytes),
    ...(m.buttonText ? { btntxt: requireChars("文本卡片按钮文字", m.buttonText, LIMITS.textcardButtonChars) } : {}),
  };
}

function articles(list: Extract<OutboundMessage, { kind: "news" }>["articles"]): Record<string, unknown>[] {
  if (list.length < 1 || list.length > LIMITS.newsArticlesMax) {
    throw invalidMessage(`图文消息须有 1 到 ${LIMITS.newsArticlesMax} 篇文章，本条为 ${list.length} 篇。`);
  }
  return list.map((a, i) => ({
    title: requireBytes(`第 ${i + 1} 篇图文的标题`, requireText(`第 ${i + 1} 篇图文的标题`, a.title), LIMITS.newsTitleBytes),
    ...(a.description ? { description: requireBytes(`第 ${i + 1} 篇图文的描述`, a.description, LIMITS.newsDescriptionBytes) } : {}),
    url: requireBytes(`第 ${i + 1} 篇图文的链接`, requireText(`第 ${i + 1} 篇图文的链接`, a.url), LIMITS.urlBytes),
    ...(a.picUrl ? { picurl: requireBytes(`第 ${i + 1} 篇图文的图片地址`, a.picUrl, LIMITS.urlBytes) } : {}),
  }));
}

function duplicateCheck(seconds: number | undefined): Record<string, number> {
  if (!seconds) return {};
  return { enable_duplicate_check: 1, duplicate_check_interval: Math.min(Math.max(1, Math.floor(seconds)), 4 * 3600) };
}

/** WeChat Work shows JPG and PNG as pictures (image messages); anything else goes as a file. */
export function uploadKindOf(storageKey: string): "image" | "file" {
  return /\.(jpe?g|png)$/i.test(storageKey) ? "image" : "file";
}
