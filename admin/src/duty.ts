import type { Labelled, Ref } from "./api";

/** A shift as GET /api/duty/shifts presents it; `servedBy` is who took it over in a swap. */
export interface Shift {
  id: number;
  unit: { id: number; code: string | null; name: string | null };
  person: Ref;
  servedBy: Ref | null;
  role: Labelled;
  start: string;
  end: string;
  confirmedAt: string | null;
  checkedInAt: string | null;
}

/** One line of GET /api/duty/now. */
export interface OnDuty {
  shift: number;
  person: Ref;
  role: Labelled;
  unit: { id: number; name: string | null };
  start: string;
  end: string;
  checkedInAt: string | null;
}

/** One line of GET /api/duty/log. */
export interface DutyLogLine {
  id: number;
  shift: number;
  at: string;
  kind: string;
  kindLabel: string;
  person: Ref | null;
  text: string;
}

/** What POST /api/duty/rosters answers when the whole sheet went in. */
export interface RosterResult {
  added: number;
  removed: number;
  unchanged: number;
  told: number;
}

const CHINA_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** `2026-12-03`: the China date of an instant (the console reads every time in 北京时间). */
export const chinaDay = (at: Date): string => new Date(at.getTime() + CHINA_MS).toISOString().slice(0, 10);

/** The instant a China date (`2026-12-03`) begins. */
export const dayStart = (day: string): Date => new Date(Date.parse(`${day}T00:00:00+08:00`));

/** The first instant of the month of `day` and of the month after, for GET /api/duty/shifts?from=&to=. */
export function monthSpan(day: string): { from: Date; to: Date } {
  const [y, m] = day.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return { from: dayStart(`${day.slice(0, 7)}-01`), to: dayStart(next) };
}

/** The shifts that run during the China day `day` (a 24-hour shift shows on both days it touches). */
export function shiftsOn(day: string, shifts: readonly Shift[]): Shift[] {
  const from = dayStart(day).getTime();
  const to = from + DAY_MS;
  return shifts.filter((s) => Date.parse(s.start) < to && Date.parse(s.end) > from);
}

/** `08:00–次日08:00`, as the calendar cell shows a shift seen from `day`. */
export function spanOn(day: string, s: Pick<Shift, "start" | "end">): string {
  const hm = (iso: string) => new Date(Date.parse(iso) + CHINA_MS).toISOString().slice(11, 16);
  const prefix = (iso: string) => {
    const days = Math.round((dayStart(chinaDay(new Date(iso))).getTime() - dayStart(day).getTime()) / DAY_MS);
    return days === 0 ? "" : days === 1 ? "次日" : days === -1 ? "前日" : `${chinaDay(new Date(iso)).slice(5)} `;
  };
  return `${prefix(s.start)}${hm(s.start)}–${prefix(s.end)}${hm(s.end)}`;
}

/** Who serves the shift: the swap taker when there is one. */
export const servingName = (s: Pick<Shift, "person" | "servedBy">): string => s.servedBy?.name ?? s.person.name ?? "—";

/** Tag colours by duty role code. */
export const ROLE_TAG: Record<string, "danger" | "primary" | "info"> = { leader: "danger", officer: "primary", liaison: "info" };
