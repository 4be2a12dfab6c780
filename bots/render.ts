import type { Card, ChannelId, OutboundMessage } from "../src/channels/channel";
import { capabilitiesOf } from "../src/channels/registry";
import type { Question } from "./flow";

/**
 * How a question goes out: a button card where the channel has cards and the choices fit (count
 * and label width, as the channel's capabilities say), a numbered list otherwise.
 */
export function renderQuestion(channel: ChannelId, question: Question, taskId: string, retry?: string): OutboundMessage {
  const caps = capabilitiesOf(channel);
  const choices = question.choices ?? [];
  const numbered = choices.map((c, i) => `${i + 1}. ${c.label}`);
  const fitsCard = choices.length > 0 && choices.length <= caps.maxButtons && choices.every((c) => [...c.label].length <= caps.buttonLabelMaxChars);
  const [title, ...rest] = question.text.split("\n");
  if (caps.cards && fitsCard) {
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
 * An information card (a confirmation, a hazard's facts). Where the channel's notice card must
 * open a link (WeChat Work) and there is none, the same facts go out as text, which reads just as well.
 */
export function renderInfo(channel: ChannelId, card: Card): OutboundMessage {
  const caps = capabilitiesOf(channel);
  if (caps.cards && (!caps.infoCardNeedsLink || card.url)) return { kind: "card", card };
  const lines = [card.title, card.description, ...(card.fields ?? []).map((f) => `${f.label}：${f.value}`)];
  return { kind: "text", text: lines.filter(Boolean).join("\n") };
}
