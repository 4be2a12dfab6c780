import { createHash } from "node:crypto";
import { type Card, chosenWords } from "../channel";
import { LIMITS, requireBytes, requireText, utf8Bytes } from "./limits";
import { invalidMessage } from "./wecomError";

/**
 * Card → WeChat Work `template_card` (PROTOCOLS §2.7). A card with buttons becomes a
 * `button_interaction` card, whose clicks come back as `template_card_event` with `TaskId` =
 * `card.taskId` and `EventKey` = the button key; a card without buttons becomes a `text_notice`
 * card, which must open a URL when tapped.
 */

const TASK_ID = /^[0-9A-Za-z_\-@]+$/;

/**
 * Display lengths the platform *recommends* (建议不超过): past them the client shortens the text
 * with an ellipsis rather than rejecting it. Not enforced at send time; presenters check their
 * cards with `cardWarnings` in their own tests.
 */
export const CARD_TEXT_ADVICE = {
  titleChars: 36,
  descriptionChars: 160,
  fieldLabelChars: 5,
  fieldValueChars: 30,
  buttonLabelChars: 10,
} as const;

/** The `template_card` object of a message/send body. */
export function templateCard(card: Card): Record<string, unknown> {
  requireText("卡片标题", card.title);
  const fields = card.fields ?? [];
  if (fields.length > LIMITS.cardFieldsMax) throw invalidMessage(`卡片最多 ${LIMITS.cardFieldsMax} 行字段，本卡片有 ${fields.length} 行。`);
  const common = {
    main_title: { title: card.title },
    ...(card.description ? { sub_title_text: card.description } : {}),
    ...(fields.length ? { horizontal_content_list: fields.map((f) => ({ keyname: requireText("卡片字段名", f.label), value: f.value })) } : {}),
    ...(card.url ? { card_action: { type: 1, url: requireBytes("卡片跳转地址", card.url, LIMITS.urlBytes) } } : {}),
  };
  const buttons = card.buttons ?? [];
  if (buttons.length === 0) {
    // text_notice requires card_action (type 1 or 2) and needs no task_id; leaving task_id out
    // also keeps a notice sent in several batches from colliding on the per-app unique task id.
    if (!card.url) throw invalidMessage("没有按钮的通知卡片必须带跳转地址（url），企业微信要求点击卡片时打开一个页面。");
    return { card_type: "text_notice", ...common };
  }
  return {
    card_type: "button_interaction",
    ...common,
    task_id: taskId(card.taskId),
    button_list: buttonList(card),
  };
}

/** `-` and 8 hex digits: 32 bits keep the groups of one card apart; the rest of the 128 bytes is the card's own. */
const CALL_SUFFIX_CHARS = 9;

/**
 * The task_id of one send call of a button card: `card.taskId` plus a hash of the sorted
 * recipients (`co12-345` → `co12-345-1a2b3c4d`). WeChat Work refuses a task_id it has seen before
 * in the app, yet the outbox may send one card in several calls (claim batches, rate-limit
 * hold-backs, lease cuts, resends), so each recipient group needs an id of its own; the same group
 * gets the same id, so a resend's body still equals the first request's for the duplicate check.
 */
export function callTaskId(id: string, recipients: readonly string[]): string {
  if (!TASK_ID.test(id) || utf8Bytes(id) > LIMITS.taskIdBytes - CALL_SUFFIX_CHARS) {
    throw invalidMessage(`卡片任务号（taskId）只能由字母、数字和“_-@”组成，最长 ${LIMITS.taskIdBytes - CALL_SUFFIX_CHARS} 字节（其余留给发送批次编号）。`);
  }
  const digest = createHash("sha256").update([...recipients].sort().join("|")).digest("hex");
  return `${id}-${digest.slice(0, CALL_SUFFIX_CHARS - 1)}`;
}

function taskId(id: string): string {
  if (!TASK_ID.test(id) || utf8Bytes(id) > LIMITS.taskIdBytes) {
    throw invalidMessage(`卡片任务号（taskId）只能由字母、数字和“_-@”组成，最长 ${LIMITS.taskIdBytes} 字节。`);
  }
  return id;
}

function buttonList(card: Card): Record<string, unknown>[] {
  const buttons = card.buttons ?? [];
  if (buttons.length > LIMITS.cardButtonsMax) throw invalidMessage(`卡片最多 ${LIMITS.cardButtonsMax} 个按钮，本卡片有 ${buttons.length} 个。`);
  const keys = new Set<string>();
  return buttons.map((b) => {
    requireText("按钮文字", b.label);
    requireText("按钮键值", b.key);
    requireBytes("按钮键值", b.key, LIMITS.cardButtonKeyBytes);
    if (keys.has(b.key)) throw invalidMessage(`卡片按钮键值重复：同一张卡片上每个按钮的键值必须不同。`);
    keys.add(b.key);
    return { text: b.label, style: b.style ?? 1, key: b.key };
  });
}

/** Texts the client would shorten on screen, in Chinese; empty when the card displays in full. */
export function cardWarnings(card: Card): string[] {
  const warnings: string[] = [];
  const over = (what: string, value: string | undefined, max: number) => {
    const n = value ? [...value].length : 0;
    if (n > max) warnings.push(`${what}有 ${n} 个字，超过建议的 ${max} 个字，显示时会被截断`);
  };
  over("卡片标题", card.title, CARD_TEXT_ADVICE.titleChars);
  over("卡片说明", card.description, CARD_TEXT_ADVICE.descriptionChars);
  for (const f of card.fields ?? []) {
    over(`字段名“${f.label}”`, f.label, CARD_TEXT_ADVICE.fieldLabelChars);
    over(`字段“${f.label}”的值`, f.value, CARD_TEXT_ADVICE.fieldValueChars);
  }
  for (const b of card.buttons ?? []) over(`按钮“${b.label}”`, b.label, CARD_TEXT_ADVICE.buttonLabelChars);
  return warnings;
}

/**
 * A click's callback carries only the button's key, yet the answered card should say what was
 * chosen ("已选：日常巡查"): each button card's words are kept by its call's task id while the
 * card can still be clicked — as long as its response_code lives (72 h, PROTOCOLS §2.6).
 */
export const CARD_WORDS_TTL_MS = 72 * 3600_000;

/** Where the words of the button card sent with `callTaskId` are kept. */
export function cardWordsKey(corpId: string, callTaskId: string): string {
  return `wecom:card-words:${corpId}:${callTaskId}`;
}

/** Button key → what the answered card says was chosen. */
export function cardWords(card: Card): Record<string, string> {
  return Object.fromEntries((card.buttons ?? []).map((b) => [b.key, chosenWords(b)]));
}
