import { invalidMessage } from "./wecomError";

/**
 * Field limits of message/send (PROTOCOLS §2.6, doc /90236). The platform silently cuts text
 * past these limits, so a message that would be cut is refused here with a clear reason instead.
 */
export const LIMITS = {
  textBytes: 2048,
  markdownBytes: 2048,
  textcardTitleBytes: 128,
  textcardDescriptionBytes: 512,
  urlBytes: 2048,
  /** “按钮文字……不超过4个文字，超过自动截断” */
  textcardButtonChars: 4,
  newsArticlesMax: 8,
  newsTitleBytes: 128,
  newsDescriptionBytes: 512,
  recipientsPerCall: 1000,
  /** template_card task_id: digits, letters and `_-@`, at most 128 bytes, unique per app. */
  taskIdBytes: 128,
  cardButtonsMax: 6,
  cardButtonKeyBytes: 1024,
  cardFieldsMax: 6,
} as const;

/** A WeChat Work userid: 1–64 of letters, digits and `_-@.` — which also keeps `|` and `@all` out. */
const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, "utf8");

/** Refuses `value` when it is longer than `max` UTF-8 bytes; `what` names the field in Chinese. */
export function requireBytes(what: string, value: string, max: number): string {
  const bytes = utf8Bytes(value);
  if (bytes > max) {
    throw invalidMessage(`${what}为 ${bytes} 字节，超过企业微信上限 ${max} 字节（一个汉字占 3 字节，约 ${Math.floor(max / 3)} 个汉字）；请精简或拆分后再发送。`);
  }
  return value;
}

/** Refuses `value` when it has more than `max` characters. */
export function requireChars(what: string, value: string, max: number): string {
  const chars = [...value].length;
  if (chars > max) throw invalidMessage(`${what}有 ${chars} 个字，超过企业微信上限 ${max} 个字；请精简后再发送。`);
  return value;
}

/** Refuses an empty or whitespace-only field, which the platform rejects (44004 and kin). */
export function requireText(what: string, value: string | undefined): string {
  if (value === undefined || value.trim() === "") throw invalidMessage(`${what}不能为空。`);
  return value;
}

/** `u1|u2|…` for `touser`, after checking count and every id. */
export function joinRecipients(recipients: string[]): string {
  if (recipients.length === 0) throw invalidMessage("没有接收人：企业微信消息至少需要一名接收成员。");
  if (recipients.length > LIMITS.recipientsPerCall) {
    throw invalidMessage(`一次最多发给 ${LIMITS.recipientsPerCall} 名成员，本次为 ${recipients.length} 名；请分批发送。`);
  }
  const bad = recipients.filter((id) => !USER_ID.test(id) || id === "@all");
  if (bad.length > 0) throw invalidMessage(`接收人账号格式不正确（${bad.length} 个），企业微信账号只能由字母、数字和“_-@.”组成。`);
  return recipients.join("|");
}
