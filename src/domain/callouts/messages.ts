import type { Card, OutboundMessage } from "../../channels/channel";
import { formatLocal } from "../../clock";
import type { Callout } from "../../db/entities";
import type { CalloutFigures } from "./figures";
import { BUTTON_ACK, BUTTON_DONE, LEVELS, WARNING_TYPES } from "./vocabulary";

/** Everything a recipient or a leader reads about a campaign, in one place for review. */

const heading = (c: Callout) => `【${WARNING_TYPES[c.warningType]}${LEVELS[c.level]}预警】${c.title}`;

/** The button card of one batch; `taskId` must be new per batch (WeCom: unique per app). */
export function calloutCard(c: Callout, taskId: string): OutboundMessage {
  const card: Card = {
    taskId,
    title: heading(c).slice(0, 36),
    description: c.text.slice(0, 160),
    fields: [
      { label: "回复时限", value: c.deadlineAt ? formatLocal(c.deadlineAt) : `${c.answerMinutes} 分钟内` },
      { label: "回复方式", value: c.requiresReport ? "点按钮或回复1/2" : "点收到或回复1" },
    ],
    buttons: [
      { key: BUTTON_ACK, label: "收到", style: 1 },
      ...(c.requiresReport ? [{ key: BUTTON_DONE, label: "已落实措施", style: 2 as const }] : []),
    ],
  };
  return { kind: "card", card };
}

export function reminderText(c: Callout, k: number): OutboundMessage {
  const how = c.requiresReport ? "请点击卡片「收到」或回复“1”；落实措施后回复“2”并说明情况" : "请点击卡片「收到」或直接回复“收到”或“1”";
  return { kind: "text", text: `第 ${k} 次提醒：${heading(c)} 尚未收到您的回应。${how}。` };
}

/** Names listed in one escalation; the rest are counted, keeping the text far below WeChat Work's 2048 bytes. */
const MAX_ESCALATION_NAMES = 30;

/** One superior's escalation: everyone whose silence called them in this pass. */
export function escalationText(c: Callout, silentNames: readonly string[]): OutboundMessage {
  const ask = "请督促其回应，并点击卡片「收到」或回复“收到”确认。";
  if (silentNames.length === 1) return { kind: "text", text: `${heading(c)}：${silentNames[0]} 未在规定时间内回应，已升级至您。${ask}` };
  const shown = silentNames.slice(0, MAX_ESCALATION_NAMES).join("、");
  const more = silentNames.length > MAX_ESCALATION_NAMES ? " 等" : "";
  return { kind: "text", text: `${heading(c)}：${shown}${more}（共 ${silentNames.length} 人）未在规定时间内回应，已升级至您。${ask}` };
}

export function cancelText(c: Callout): OutboundMessage {
  return { kind: "text", text: `${heading(c)} 已由发起人取消，无需再回应。` };
}

/** The publisher lifted the warning (CAP Cancel): the campaign ends for everyone called. */
export function liftedText(c: Callout): OutboundMessage {
  return { kind: "text", text: `${heading(c)}：预警已由发布单位解除，本次叫应结束，无需再回应。` };
}

export const answerReplies = {
  acknowledged: () => "已收到您的回应，谢谢。",
  lateAck: () => "已收到您的回应（已超过回复时限，记为超时回应）。",
  already: () => "您已回应过本次叫应，无需重复回复。",
  askReport: () => "请直接回复落实措施的简要情况，例如：“已停工撤离 12 人”。",
  reported: () => "已记录您报告的落实措施，谢谢。",
};

/** The deadline report for the initiator and the leaders. */
export function reportText(c: Callout, f: CalloutFigures): OutboundMessage {
  const pct = f.called ? ((f.answeredInTime / f.called) * 100).toFixed(1) : "0.0";
  const lines = [
    `**叫应结果：${heading(c)}**`,
    `截止时间：${c.deadlineAt ? formatLocal(c.deadlineAt) : "—"}`,
    `叫应率：${pct}%（按时回应 ${f.answeredInTime} / 应答 ${f.called} 人）`,
    `回应用时：中位数 ${minutes(f.medianMs)}，P90 ${minutes(f.p90Ms)}`,
  ];
  if (c.requiresReport) lines.push(`已报告落实措施：${f.reported} 人`);
  if (f.silent.length === 0) lines.push("所有人员均已按时回应。");
  else {
    lines.push(`未回应 ${f.silent.length} 人：`);
    // WeChat Work refuses a markdown message over 2,048 bytes, so a county-wide campaign with
    // hundreds silent must not list them all: as many as fit, then a count and the board.
    let bytes = Buffer.byteLength(lines.join("\n"), "utf8");
    for (let i = 0; i < f.silent.length; i++) {
      const s = f.silent[i] as CalloutFigures["silent"][number];
      const line = `${i + 1}. ${s.name}：${s.done}`;
      const more = `……另有 ${f.silent.length - i} 人未列出，完整名单见叫应看板`;
      const rest = i === f.silent.length - 1 ? 0 : Buffer.byteLength(more, "utf8") + 1;
      if (bytes + Buffer.byteLength(line, "utf8") + 1 + rest > REPORT_MAX_BYTES) {
        lines.push(more);
        break;
      }
      lines.push(line);
      bytes += Buffer.byteLength(line, "utf8") + 1;
    }
  }
  return { kind: "markdown", markdown: lines.join("\n") };
}

/** WeChat Work's markdown limit is 2,048 bytes; a margin for the channel's own framing. */
const REPORT_MAX_BYTES = 2000;

function minutes(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} 秒` : `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
}
