import { ChannelError, type Card, type OutboundMessage } from "../channel";
import { dingtalkMarkdown } from "./markdown";
import { LIMITS } from "./limits";

/** The `msg` of a work notification (PROTOCOLS §3.6). */
export type TextNoticeMsg = { msgtype: "text"; text: { content: string } } | { msgtype: "markdown"; markdown: { title: string; text: string } };
/** The `msg` of a work notification (PROTOCOLS §3.6): words, or an uploaded file by its media id. */
export type WorkNoticeMsg = TextNoticeMsg | { msgtype: "file"; file: { media_id: string } } | { msgtype: "image"; image: { media_id: string } };

/** A markdown message's title is what the conversation list and the push show. */
const TITLE_MAX_CHARS = LIMITS.markdownTitleChars;

/**
 * Our channel-neutral message as a work notification. Cards are not interactive on DingTalk yet
 * (capabilities say `cards: false`, so the bots send numbered choices as text); a card that comes
 * anyway goes out as markdown with its buttons as numbered choices to answer with.
 */
export function toWorkNotice(message: OutboundMessage): TextNoticeMsg {
  switch (message.kind) {
    case "text":
      return { msgtype: "text", text: { content: message.text } };
    case "markdown":
      return markdown(firstLine(message.markdown), dingtalkMarkdown(message.markdown));
    case "textcard":
      return markdown(message.title, `### ${message.title}\n\n${message.description}\n\n[${message.buttonText ?? "查看详情"}](${message.url})`);
    case "news":
      return markdown(message.articles[0]?.title ?? "消息", message.articles.map((a) => `[${a.title}](${a.url})${a.description ? `\n\n${a.description}` : ""}`).join("\n\n"));
    case "card":
      return markdown(message.card.title, cardMarkdown(message.card));
    default:
      throw new ChannelError("dingtalk", "dingtalk_unsupported", `钉钉渠道暂不支持发送此类消息（${message.kind}）`, false);
  }
}

/** The same message for the robot's one-to-one API: `msgKey` and its parameters as a JSON string (PROTOCOLS §3.3). */
export function robotMessage(msg: TextNoticeMsg): { msgKey: string; msgParam: string } {
  if (msg.msgtype === "text") return { msgKey: "sampleText", msgParam: JSON.stringify({ content: msg.text.content }) };
  return { msgKey: "sampleMarkdown", msgParam: JSON.stringify({ title: msg.markdown.title, text: msg.markdown.text }) };
}

function cardMarkdown(card: Card): string {
  const lines = [`### ${card.title}`];
  if (card.description) lines.push("", card.description);
  for (const f of card.fields ?? []) lines.push("", `${f.label}：${f.value}`);
  if (card.buttons?.length) {
    lines.push("", "请回复序号：");
    card.buttons.forEach((b, i) => lines.push("", `${i + 1}. ${b.label}`));
  }
  if (card.url) lines.push("", `[查看详情](${card.url})`);
  return lines.join("\n");
}

function markdown(title: string, text: string): TextNoticeMsg {
  return { msgtype: "markdown", markdown: { title: [...title].slice(0, TITLE_MAX_CHARS).join(""), text } };
}

/** The first line of markdown without its heading marks, as the notification's title. */
function firstLine(md: string): string {
  const line = md.split("\n").find((l) => l.trim() !== "") ?? "消息";
  return line.replace(/^[#>*\s-]+/, "").replace(/[*_`]/g, "").trim() || "消息";
}
