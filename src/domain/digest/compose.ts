import { isoWeekday } from "../quotas/calendar";
import type { DutyShiftLine } from "./duty";
import type { DigestFigures, HazardLine } from "./figures";

/** WeChat Work's limit for a markdown message, in UTF-8 bytes. */
export const MARKDOWN_LIMIT_BYTES = 2048;

/**
 * A line of the digest and how readily it may be left out when the text is too long: 0 never
 * (titles and the summary numbers), higher numbers first. Detail lines carry the numbers their
 * summary line already gives, so leaving some out loses no figure.
 */
interface Line {
  text: string;
  drop: number;
}

const WEEKDAYS = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const md = (day: string) => day.slice(5);

export const bytesOf = (text: string): number => Buffer.byteLength(text, "utf8");

export interface ComposeOptions {
  /** The digest went out well after its hour: said in the title. */
  late?: { dueHour: number };
  limitBytes?: number;
  /**
   * Bytes a line break may grow by on the way: DingTalk ends each line with two spaces
   * (src/channels/dingtalk/markdown.ts), so with DingTalk on the text must fit with those too.
   */
  lineBreakBytes?: number;
  /** The admin dashboard's address (PUBLIC_BASE_URL + /admin/), when the deployment has one. */
  dashboardUrl?: string | null;
}

/** The digest's markdown: red items first, then yesterday in numbers, today's duty and the ranking. */
export function composeDigest(f: DigestFigures, options: ComposeOptions = {}): string {
  const lines: Line[] = [];
  const keep = (text: string) => lines.push({ text, drop: 0 });
  const detail = (text: string, drop: number) => lines.push({ text, drop });
  const lateNote = options.late ? `（迟发，原定 ${String(options.late.dueHour).padStart(2, "0")}:00）` : "";

  keep(`**每日简报｜${f.unit.name}｜${f.day}（${WEEKDAYS[isoWeekday(f.day)]}）**${lateNote}`);

  keep("**一、需立即处理**");
  const missed = f.duty?.missedCheckIns ?? [];
  const redCount = f.red.hazardCount + f.red.unanswered.length + missed.length;
  if (redCount === 0) keep(f.duty ? "无逾期重大隐患、挂牌督办隐患、未回复的叫应和值班未签到。" : "无逾期重大隐患、挂牌督办隐患和未回复的叫应。");
  if (f.red.hazardCount) {
    keep(`<font color="warning">逾期重大隐患/挂牌督办 ${f.red.hazardCount} 项</font>`);
    for (const h of f.red.hazards) detail(`- ${hazardText(h)}`, 2);
  }
  const unanswered = f.red.unanswered;
  if (unanswered.length === 1) keep(`<font color="warning">叫应未回复</font>：${unanswered[0]?.title}，${unanswered[0]?.silent} 人未应答`);
  if (unanswered.length > 1) {
    // Any number of campaigns: one summary line that always stays, each campaign a detail line.
    keep(`<font color="warning">叫应未回复 ${unanswered.length} 次，共 ${unanswered.reduce((n, c) => n + c.silent, 0)} 人未应答</font>`);
    for (const c of unanswered) detail(`- ${c.title}：${c.silent} 人未应答`, 2);
  }
  if (missed.length) {
    keep(`<font color="warning">值班未签到 ${missed.length} 人次</font>`);
    for (const s of missed) detail(`- ${shiftText(s)}`, 2);
  }

  keep(`**二、昨日数据（${md(f.yesterday)}）**`);
  const h = f.hazards;
  keep(`隐患：新增 ${h.newGeneral + h.newMajor} 项（重大 ${h.newMajor}、一般 ${h.newGeneral}），销号 ${h.closed} 项，当前逾期 ${h.overdue} 项`);
  if (h.worst.length) {
    keep(`逾期最久 ${h.worst.length} 项：`);
    for (const w of h.worst) detail(`- ${hazardText(w)}`, 3);
  }
  const q = f.inspections.quota;
  keep(`巡查：昨日 ${f.inspections.yesterday} 次；${q.period} 月任务应完成 ${q.required} 次，已完成 ${q.done} 次，尚缺 ${q.missing} 次，未达标 ${q.behind} 人`);
  const oe = f.inspections.overdueEnterprises;
  if (oe.count) {
    keep(`分级监管：超期未检企业 ${oe.count} 家`);
    detail(`（${oe.names.slice(0, 5).join("、")}${oe.count > 5 ? "等" : ""}）`, 4);
  }
  keep(`举报：昨日收到 ${f.tips.received} 件，逾期未办结 ${f.tips.overdue} 件`);
  if (f.callouts.length === 0) keep("叫应：昨日无叫应");
  else {
    const total = f.callouts.reduce((s, c) => s + c.recipients, 0);
    const answered = f.callouts.reduce((s, c) => s + c.answered, 0);
    keep(`叫应：昨日 ${f.callouts.length} 次，叫应率 ${total ? Math.round((answered * 100) / total) : 0}%（${answered}/${total}）`);
    for (const c of f.callouts) detail(`- ${c.title}：${c.rate}%（${c.answered}/${c.recipients}）`, 3);
  }

  keep("**三、今日值班**");
  if (!f.duty) keep(DUTY_OFF);
  else if (f.duty.leaders.length === 0) keep("今日无带班领导排班。");
  else {
    keep(`带班领导 ${f.duty.leaders.length} 人：`);
    for (const s of f.duty.leaders) detail(`- ${shiftText(s)}`, 4);
  }

  keep("**四、单位排名**");
  if (!f.ranking) keep("本单位无下级镇街或村社区，不排名。");
  else {
    keep("（逾期隐患少者在前，其次近 7 日巡查多者在前）");
    f.ranking.forEach((r, i) => detail(`${i + 1}. ${r.unit}：逾期 ${r.overdue}，巡查 ${r.inspections}`, 5));
    if (f.last.length) keep(`<font color="warning">末位：${f.last.join("、")}</font>`);
  }
  // Red hazards beyond the figures' list were never in the text: they count as left out too.
  const link = options.dashboardUrl ? `[打开安哨后台查看详情](${options.dashboardUrl})` : null;
  return fit(lines, options.limitBytes ?? MARKDOWN_LIMIT_BYTES, f.red.hazardCount - f.red.hazards.length, link, options.lineBreakBytes ?? 0);
}

/** What the duty section says while no duty source is on. */
export const DUTY_OFF = "值班功能未启用，暂无带班领导和值班签到数据。";

function shiftText(s: DutyShiftLine): string {
  return `${s.name}（${s.unit}，${s.hours}）`;
}

function hazardText(h: HazardLine): string {
  return `${h.number} ${h.place}${h.major ? "（重大）" : ""} 逾期 ${h.daysOverdue} 天`;
}

/**
 * Leaves lines out, the most droppable first and the later before the earlier among equals, until
 * the text fits in `limit` bytes with a closing line saying how many were left out. Lines are
 * dropped whole, never cut. `last` (the dashboard link) always closes the text.
 */
export function fit(lines: readonly Line[], limit: number, leftOut = 0, last: string | null = null, lineBreakBytes = 0): string {
  const join = (ls: readonly Line[]) => [...ls.map((l) => l.text), ...(last === null ? [] : [last])].join("\n");
  const size = (text: string) => bytesOf(text) + lineBreakBytes * (text.split("\n").length - 1);
  if (leftOut === 0 && size(join(lines)) <= limit) return join(lines);
  const kept = [...lines];
  let dropped = leftOut;
  const footer = (): Line => ({ text: `另有 ${dropped} 项未列出，详见安哨后台。`, drop: 0 });
  while (size(join([...kept, footer()])) > limit) {
    let victim = -1;
    for (let i = kept.length - 1; i >= 0; i--) {
      const line = kept[i] as Line;
      if (line.drop > 0 && (victim < 0 || line.drop > (kept[victim] as Line).drop)) victim = i;
    }
    // Only titles and summary numbers are left: send them as they are rather than cut one.
    if (victim < 0) break;
    kept.splice(victim, 1);
    dropped++;
  }
  return join([...kept, footer()]);
}
