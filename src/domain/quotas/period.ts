import { Invalid } from "../../errors";
import { addDays, dayStart, isMonth, localDay, monthDays, mondayOf, type Span } from "./calendar";

/** A period quotas are judged over: one ISO week or one month, in Shanghai days. */
export interface QuotaWindow {
  /** `2026-03` or `2026-W10`. */
  label: string;
  kind: "week" | "month";
  span: Span;
  /** The Mondays of the weeks judged in it: a week belongs to the month its Monday falls in, so months add up. */
  mondays: string[];
  /** The month that monthly rules are judged over (the week's Monday's month). */
  month: string;
}

/** Parses `YYYY-MM` or `YYYY-Www` (ISO week). */
export function parsePeriod(text: string): QuotaWindow {
  if (isMonth(text)) return monthWindow(text);
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    // ISO week 1 holds 4 January.
    const firstMonday = mondayOf(`${year}-01-04`);
    const monday = addDays(firstMonday, (week - 1) * 7);
    if (week >= 1 && week <= 53 && isoWeekLabel(monday) === text) return weekWindow(monday);
  }
  throw Invalid("周期应为 YYYY-MM（月）或 YYYY-Www（ISO 周），例如 2026-03 或 2026-W10", undefined, "invalid_period");
}

export function monthWindow(month: string): QuotaWindow {
  const { first, next } = monthDays(month);
  const mondays: string[] = [];
  for (let d = mondayOf(first) < first ? addDays(mondayOf(first), 7) : first; d < next; d = addDays(d, 7)) mondays.push(d);
  return { label: month, kind: "month", span: { from: dayStart(first), to: dayStart(next) }, mondays, month };
}

export function weekWindow(monday: string): QuotaWindow {
  return { label: isoWeekLabel(monday), kind: "week", span: { from: dayStart(monday), to: dayStart(addDays(monday, 7)) }, mondays: [monday], month: monday.slice(0, 7) };
}

/** The current month of an instant, in Shanghai. */
export const monthOf = (at: Date): string => localDay(at).slice(0, 7);

/** `2026-W10` for the week starting on a Monday. */
export function isoWeekLabel(monday: string): string {
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const week1 = mondayOf(`${year}-01-04`);
  const n = Math.round((Date.parse(`${monday}T00:00:00Z`) - Date.parse(`${week1}T00:00:00Z`)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(n).padStart(2, "0")}`;
}
