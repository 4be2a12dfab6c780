import type { Card, ChannelId, OutboundMessage } from "../src/channels/channel";
import type { Question } from "./flow";

/** Channels whose messages can carry buttons; elsewhere choices are a numbered list only. */
const CARD_CHANNELS: ReadonlySet<ChannelId> = new Set(["wecom", "console"]);
/** WeChat Work's button card holds at most 6 buttons (PROTOCOLS §2.7). */
const MAX_BUTTONS = 6;
/** Past this the platform shortens a button label with an ellipsis: a numbered list reads better. */
const MAX_BUTTON_CHARS = 10;

/** How a question goes out: a button card where the channel has them and the choices fit, text otherwise. */
export function renderQuestion(channel: ChannelId, question: Question, taskId: string, retry?: string): OutboundMessage {
  const choices = question.choices ?? [];
  const numbered = choices.map((c, i) => `${i + 1}. ${c.label}`);
  const fitsCard = choices.length > 0 && choices.length <= MAX_BUTTONS && choices.every((c) => [...c.label].length <= MAX_BUTTON_CHARS);
  const [title, ...rest] = question.text.split("\n");
  if (CARD_CHANNELS.has(channel) && fitsCard) {
    const description = [retry, ...rest, question.examples, "点击按钮，或回复序号；回复「取消」退出"].filter(Boolean).join("\n");
    return {
      kind: "card",
      card: { taskId, title: title!, description, buttons: choices.map((c, i) => ({ key: c.key, label: c.label, style: i === 0 ? 1 : 2 })) },
    };
  }
  const hint = choices.length > 0 ? "回复序号即可；回复「取消」退出" : "回复「取消」可退出";
  const text = [retry, question.text, ...numbered, question.examples, hint].filter(Boolean).join("\n");
  return { kind: "text", text };
}

/**
 * An information card (a confirmation, a hazard's facts). WeChat Work's notice card must open a
 * link when tapped; without one the same facts go out as text, which reads just as well.
 */
export function renderInfo(channel: ChannelId, card: Card): OutboundMessage {
  if (channel === "console" || (CARD_CHANNELS.has(channel) && card.url)) return { kind: "card", card };
  const lines = [card.title, card.description, ...(card.fields ?? []).map((f) => `${f.label}：${f.value}`)];
  return { kind: "text", text: lines.filter(Boolean).join("\n") };
}
