import type { Card, ChannelId, OutboundMessage } from "../src/channels/channel";
import { capabilitiesOf } from "../src/channels/registry";
import type { Question } from "./flow";

/**
 * How a question goes out: a button card where the channel has cards and the choices fit (count
 * and label width, as the channel's capabilities say); a list card with numbered buttons where
 * only the labels are too wide; a numbered list otherwise.
 */
export function renderQuestion(channel: ChannelId, question: Question, taskId: string, retry?: string): OutboundMessage {
  const caps = capabilitiesOf(channel);
  const choices = question.choices ?? [];
  // A question whose text already lists its choices by number (hazard lists) is not listed twice.
  const numbered = /^1\. /m.test(question.text) ? [] : choices.map((c, i) => `${i + 1}. ${c.label}${c.detail ? `：${c.detail}` : ""}`);
  const fitsCard = choices.length > 0 && choices.length <= caps.maxButtons && choices.every((c) => [...c.label].length <= caps.buttonLabelMaxChars);
  const [title, ...rest] = question.text.split("\n");
  if (caps.cards && fitsCard) {
    // Buttons carry the labels; what each does is said once, above them.
    const details = choices.filter((c) => c.detail).map((c) => `${c.label}：${c.detail}`);
    const description = [retryLine(retry, question.text), ...rest, ...details, question.examples, "点击按钮，或回复序号；回复「取消」退出"].filter(Boolean).join("\n");
    return {
      kind: "card",
      card: { taskId, title: title!, description, buttons: choices.map((c, i) => ({ key: c.key, label: c.label, style: i === 0 ? 1 : 2 })) },
    };
  }
  if (caps.cards && choices.length > 0 && choices.length <= caps.maxButtons) {
    // Labels too wide for a button (enterprise names): a list card — the list above, its numbers as buttons.
    const description = [retryLine(retry, question.text), ...rest, ...numbered, question.examples, "点击序号按钮，或回复序号；回复「取消」退出"].filter(Boolean).join("\n");
    return {
      kind: "card",
      card: { taskId, title: title!, description, buttons: choices.map((c, i) => ({ key: c.key, label: String(i + 1), style: 2, meaning: c.label })) },
    };
  }
  const hint = choices.length > 0 ? "回复序号即可；回复「取消」退出" : "回复「取消」可退出";
  const text = [retryLine(retry, question.text), question.text, ...numbered, question.examples, hint].filter(Boolean).join("\n");
  return { kind: "text", text };
}

/**
 * Why the last answer was not taken, shown above the question; a reason that only repeats the
 * question ("请选择检查类型" twice) says it was not understood instead.
 */
function retryLine(retry: string | undefined, questionText: string): string | undefined {
  if (!retry) return undefined;
  const bare = (s: string) => s.replace(/[\s，。：:！!？?、]/g, "");
  const why = bare(retry);
  const repeats = questionText.split("\n").map(bare).some((line) => line.length > 0 && (why.includes(line) || line.includes(why)));
  return repeats ? "抱歉，没有看懂您的回复。" : retry;
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
