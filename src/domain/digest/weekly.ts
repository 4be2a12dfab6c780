import type { EntityManager } from "typeorm";
import { addDays, dayStart, type Span } from "../quotas/calendar";
import { calloutFigures, tipFigures } from "./figures";
import { fit } from "./compose";
import type { Scope } from "./scope";
import { UnitTally } from "./tally";

/** One week's numbers. */
export interface WeekNumbers {
  from: string;
  newHazards: number;
  newMajor: number;
  closed: number;
  inspections: number;
  tips: number;
  callouts: number;
}

/** 周调度: last week against the week before, and what is overdue now. */
export interface WeeklyFigures {
  unit: { code: string; name: string };
  day: string;
  week: WeekNumbers;
  before: WeekNumbers;
  overdueNow: number;
}

async function weekNumbers(manager: EntityManager, tally: UnitTally, scope: Scope, monday: string, asOf: Date): Promise<WeekNumbers> {
  const span: Span = { from: dayStart(monday), to: dayStart(addDays(monday, 7)) };
  const [hazards, closed, inspections, tips, callouts] = await Promise.all([tally.newHazards(span), tally.closed(span), tally.inspections(span), tipFigures(manager, scope, span, asOf), calloutFigures(manager, scope, span)]);
  const [general, major, closedCount, inspectionCount] = await Promise.all([tally.sum(hazards.general, scope), tally.sum(hazards.major, scope), tally.sum(closed, scope), tally.sum(inspections, scope)]);
  return { from: monday, newHazards: general + major, newMajor: major, closed: closedCount, inspections: inspectionCount, tips: tips.received, callouts: callouts.length };
}

/** The figures for the Monday `day`; `tally` is shared by the run's summaries (see UnitTally). */
export async function weeklyFigures(manager: EntityManager, scope: Scope, day: string, asOf: Date, tally: UnitTally = new UnitTally(manager, asOf)): Promise<WeeklyFigures> {
  const [week, before, overdue] = await Promise.all([weekNumbers(manager, tally, scope, addDays(day, -7), asOf), weekNumbers(manager, tally, scope, addDays(day, -14), asOf), tally.overdue()]);
  return { unit: { code: scope.unit.code, name: scope.unit.name }, day, week, before, overdueNow: await tally.sum(overdue.all, scope) };
}

const change = (now: number, before: number) => (now === before ? "持平" : now > before ? `增 ${now - before}` : `减 ${before - now}`);

/** The 周调度 text; `late` when it goes out after its Monday hour (said in the title, as the daily digest does). */
export function composeWeekly(f: WeeklyFigures, late?: { dueHour: number }): string {
  const w = f.week;
  const b = f.before;
  const row = (label: string, a: number, c: number) => ({ text: `${label}：${a}（前一周 ${c}，${change(a, c)}）`, drop: 0 });
  const lateNote = late ? `（迟发，原定 ${f.day.slice(5)} ${String(late.dueHour).padStart(2, "0")}:00）` : "";
  return fit(
    [
      { text: `**周调度｜${f.unit.name}｜${w.from.slice(5)} 至 ${addDays(w.from, 6).slice(5)}**${lateNote}`, drop: 0 },
      row("新增隐患", w.newHazards, b.newHazards),
      row("其中重大隐患", w.newMajor, b.newMajor),
      row("销号隐患", w.closed, b.closed),
      row("巡查检查", w.inspections, b.inspections),
      row("收到举报", w.tips, b.tips),
      row("叫应次数", w.callouts, b.callouts),
      { text: `当前逾期隐患：${f.overdueNow} 项`, drop: 0 },
    ],
    2048,
  );
}
