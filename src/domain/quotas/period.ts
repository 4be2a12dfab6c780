import { Invalid } from "../../errors";
import { addDays, dayStart, isMonth, localDay, monthDays, mondayOf, type Span } from "./calendar";

/** A period quotas are judged over: one ISO week, one month or one half-year, in Shanghai days. */
export interface QuotaWindow {
  /** `2026-03`, `2026-W10` or `2026-H1`. */
  label: string;
  kind: "week" | "month" | "half_year";
  span: Span;
  /** The Mondays of the weeks judged in it: a week belongs to the month its Monday falls in, so months add up. */
  mondays: string[];
  /** The months monthly rules are judged over (a week's: its Monday's month). */
  months: string[];
  /**
   * The half-year half-yearly rules are judged over: the half itself, or a month that ends one (June,
   * December), when those rules fall due; null for a week and for other months.
   */
  half: { label: string; span: Span } | null;
}

/** Parses `YYYY-MM`, `YYYY-Www` (ISO week) or `YYYY-H1`/`YYYY-H2` (January–June, July–December). */
export function parsePeriod(text: string): QuotaWindow {
  if (isMonth(text)) return monthWindow(text);
  const h = /^(\d{4})-H([12])$/.exec(text);
  if (h) return halfWindow(`${h[1]}-H${h[2]}`);
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    // ISO week 1 holds 4 January.
    const firstMonday = mondayOf(`${year}-01-04`);
    const monday = addDays(firstMonday, (week - 1) * 7);
    if (week >= 1 && week <= 53 && isoWeekLabel(monday) === text) return weekWindow(monday);
  }
  throw Invalid("周期应为 YYYY-MM（月）、YYYY-Www（ISO 周）或 YYYY-H1/H2（上/下半年），例如 2026-03、2026-W10 或 2026-H1", undefined, "invalid_period");
}

/** The Mondays that fall on `first` … the day before `next`. */
function mondaysIn(first: string, next: string): string[] {
  const mondays: string[] = [];
  for (let d = mondayOf(first) < first ? addDays(mondayOf(first), 7) : first; d < next; d = addDays(d, 7)) mondays.push(d);
  return mondays;
}

/** `2026-H1` for a month of January–June, `2026-H2` for July–December. */
export const halfOf = (month: string): string => `${month.slice(0, 4)}-H${Number(month.slice(5, 7)) <= 6 ? 1 : 2}`;

/** The half-year's months, `2026-01` … `2026-06`. */
function monthsOfHalf(half: string): string[] {
  const first = half.endsWith("H1") ? 1 : 7;
  return Array.from({ length: 6 }, (_, i) => `${half.slice(0, 4)}-${String(first + i).padStart(2, "0")}`);
}

const halfSpan = (half: string): Span => {
  const months = monthsOfHalf(half);
  return { from: dayStart(monthDays(months[0] as string).first), to: dayStart(monthDays(months[5] as string).next) };
};

export function monthWindow(month: string): QuotaWindow {
  const { first, next } = monthDays(month);
  const half = halfOf(month);
  const endsHalf = monthsOfHalf(half)[5] === month;
  return { label: month, kind: "month", span: { from: dayStart(first), to: dayStart(next) }, mondays: mondaysIn(first, next), months: [month], half: endsHalf ? { label: half, span: halfSpan(half) } : null };
}

export function weekWindow(monday: string): QuotaWindow {
  return { label: isoWeekLabel(monday), kind: "week", span: { from: dayStart(monday), to: dayStart(addDays(monday, 7)) }, mondays: [monday], months: [monday.slice(0, 7)], half: null };
}

/** `2026-H1`: every week and month in it, and the half-year itself. */
export function halfWindow(half: string): QuotaWindow {
  const months = monthsOfHalf(half);
  const span = halfSpan(half);
  const first = monthDays(months[0] as string).first;
  const next = monthDays(months[5] as string).next;
  return { label: half, kind: "half_year", span, mondays: mondaysIn(first, next), months, half: { label: half, span } };
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
