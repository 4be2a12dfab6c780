/**
 * The county's calendar. Days, weeks and months start at midnight Asia/Shanghai, which keeps
 * UTC+8 all year (no daylight saving), so a local day is a fixed 24-hour span of UTC.
 */

const OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 24 * 3_600_000;

/** `2026-03-02`: the Shanghai calendar day of an instant. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The Shanghai hour (0–23) of an instant. */
export function localHour(at: Date): number {
  return new Date(at.getTime() + OFFSET_MS).getUTCHours();
}

/** The instant a Shanghai day starts (its midnight, in UTC). */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** The instant `hour` o'clock of a Shanghai day. */
export function atHour(day: string, hour: number): Date {
  return new Date(dayStart(day).getTime() + hour * 3_600_000);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 1 (Monday) … 7 (Sunday). */
export function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The Monday of the week a day falls in. */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

/** A span of Shanghai days, `from` inclusive and `to` exclusive. */
export interface Span {
  from: Date;
  to: Date;
}

export const daySpan = (day: string): Span => ({ from: dayStart(day), to: dayStart(addDays(day, 1)) });

/** `2026-03`: the month's first day and the next month's first day. */
export function monthDays(month: string): { first: string; next: string } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return { first: `${month}-01`, next: `${next}-01` };
}

export const monthSpan = (month: string): Span => {
  const { first, next } = monthDays(month);
  return { from: dayStart(first), to: dayStart(next) };
};

/** True for `YYYY-MM` with a month 01–12. */
export function isMonth(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** Calendar months added to an instant (the day clamped to the month's end, as people count). */
export function addMonths(at: Date, months: number): Date {
  const local = new Date(at.getTime() + OFFSET_MS);
  const day = local.getUTCDate();
  local.setUTCDate(1);
  local.setUTCMonth(local.getUTCMonth() + months);
  const last = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
  local.setUTCDate(Math.min(day, last));
  return new Date(local.getTime() - OFFSET_MS);
}

/** Whole days from `earlier` to `later` (0 when less than a day). */
export function wholeDays(earlier: Date, later: Date): number {
  return Math.floor((later.getTime() - earlier.getTime()) / DAY_MS);
}
