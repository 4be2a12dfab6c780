import { formatLocal } from "../../clock";
import type { Tip } from "../../db/entities";
import { tipResultLabels } from "./vocabulary";

/** At most this many characters of the content go into a notice; the rest is read in 安哨. */
const SUMMARY_CHARS = 60;

/** The first words of a tip's content, on one line. */
export function summaryOf(content: string): string {
  const flat = content.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length > SUMMARY_CHARS ? `${chars.slice(0, SUMMARY_CHARS).join("")}…` : flat;
}

/** The facts a notice names: the tip and where it points, in words. */
export interface TipFacts {
  tip: Tip;
  /** The enterprise's name, else the place written down, else `未注明`. */
  place: string;
}

const head = ({ tip, place }: TipFacts) => `编号：${tip.number}\n举报人：${tip.pseudonym}\n涉及：${place}\n摘要：${summaryOf(tip.content)}`;

/**
 * The Chinese text of each tip notice: number, pseudonym and summary only. No tipster's name,
 * mobile or account ever appears, and the tipster is never told who handles their tip.
 */
export const tipNotices = {
  received: (f: TipFacts) => `新举报待受理\n${head(f)}\n请尽快受理并安排核查。举报人身份已加密保存，须严格保密。`,
  assigned: (f: TipFacts) =>
    `举报核查交办\n${head(f)}\n办理时限：${f.tip.dueAt ? formatLocal(f.tip.dueAt) : "未定"}\n请依法核查后在安哨中办结。请严格保密，不得泄露举报内容，不得打听举报人。`,
  routed: (f: TipFacts, unit: string) => `举报转交本单位（${unit}）待受理\n${head(f)}\n请尽快受理并安排核查。举报人身份已加密保存，须严格保密。`,
  closed: (f: TipFacts) => `举报已办结：${f.tip.result ? tipResultLabels[f.tip.result] : ""}\n${head(f)}${f.tip.result === "substantiated" ? "\n举报属实，请按规定确定并兑现举报奖励。" : ""}`,
};
