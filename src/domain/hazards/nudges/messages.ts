import type { OutboundMessage } from "../../../channels/channel";
import { formatLocal } from "../../../clock";
import { type HazardLevel, hazardLevelLabels } from "../vocabulary";
import { daysOverdue, type NudgeStep } from "./ladder";

/** One hazard as a line of a bundled nudge. */
export interface NudgeItem {
  hazardId: number;
  number: string;
  /** The enterprise's name, or where the hazard is. */
  place: string;
  category: string;
  level: HazardLevel;
  deadline: Date;
}

/** Title and the opening sentence of each step's bundle, in the wording of the "三单". */
const HEADINGS: Record<NudgeStep, (n: number) => { title: string; lead: string; ask: string }> = {
  reminder: (n) => ({
    title: "隐患整改到期提醒",
    lead: `您负责整改的 ${n} 项隐患即将到达整改时限：`,
    ask: "请抓紧落实整改措施，按期提交整改反馈（整改后照片和说明）。",
  }),
  notice: (n) => ({
    title: "提醒单",
    lead: `以下 ${n} 项隐患已超过整改时限，仍未整改到位：`,
    ask: "请责任人立即整改并提交整改反馈；行业部门监管负责人请督促整改到位。",
  }),
  order: (n) => ({
    title: "督办单",
    lead: `以下 ${n} 项隐患逾期未整改，现予督办：`,
    ask: "请督促责任单位限期整改到位，并及时反馈整改情况。",
  }),
  listed: (n) => ({
    title: "挂牌督办",
    lead: `以下 ${n} 项隐患已列入挂牌督办（重大隐患逾期即挂牌，一般隐患逾期较久）：`,
    ask: "请关注并推动整改，相关情况将列入每日简报。",
  }),
};

/** How late an item is, in words. */
function lateness(deadline: Date, now: Date): string {
  if (deadline.getTime() > now.getTime()) return `${formatLocal(deadline)} 到期`;
  const days = daysOverdue(deadline, now);
  return days === 0 ? `已到期（${formatLocal(deadline)}）` : `逾期 ${days} 天`;
}

/**
 * WeChat Work refuses markdown over 2048 bytes (the strictest of our channels); keep a margin so a
 * large bundle still goes out as one message, its tail summarised as a count.
 */
const MAX_BYTES = 1900;
const bytes = (text: string): number => Buffer.byteLength(text, "utf8");
const clip = (text: string, chars: number): string => ([...text].length > chars ? `${[...text].slice(0, chars - 1).join("")}…` : text);

/** One markdown message for one recipient and one step, listing the items worst first. */
export function renderNudge(step: NudgeStep, items: readonly NudgeItem[], now: Date): OutboundMessage {
  const { title, lead, ask } = HEADINGS[step](items.length);
  const sorted = [...items].sort((a, b) => a.deadline.getTime() - b.deadline.getTime() || a.number.localeCompare(b.number));
  const head = [`**${title}**`, lead];
  const more = (n: number) => `……另有 ${n} 项，请在安哨系统中查看隐患清单。`;
  let used = bytes([...head, ask, more(items.length)].join("\n"));
  const lines: string[] = [];
  for (const [i, item] of sorted.entries()) {
    const major = item.level === "major" ? `【${hazardLevelLabels.major}】` : "";
    const line = `${i + 1}. ${major}${item.number}｜${clip(item.place, 24)}｜${clip(item.category, 16)}｜${lateness(item.deadline, now)}`;
    if (used + bytes(line) + 1 > MAX_BYTES) break;
    lines.push(line);
    used += bytes(line) + 1;
  }
  const rest = sorted.length - lines.length;
  return { kind: "markdown", markdown: [...head, ...lines, ...(rest > 0 ? [more(rest)] : []), ask].join("\n") };
}
