import type { EntityManager } from "typeorm";
import { Hazard } from "../../db/entities";

const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;

/** The day (Asia/Shanghai) of an instant, as YYYY-MM-DD. */
const dayOf = (t: number) => new Date(t + SHANGHAI).toISOString().slice(0, 10);

/** One point of the trend: a day of the county's calendar and the hazards overdue at its end. */
export interface TrendPoint {
  date: string;
  overdue: number;
}

/**
 * The ends of the days (Asia/Shanghai) of [from, to) that have begun by `now`; today's "end" is
 * `now` itself (what is overdue so far), days still to come are left out.
 */
export function dayEnds(from: Date, to: Date, now: Date): { date: string; end: Date }[] {
  const stop = Math.min(to.getTime(), now.getTime());
  const out: { date: string; end: Date }[] = [];
  for (let start = Date.parse(`${dayOf(from.getTime())}T00:00:00+08:00`); start < stop; start += DAY) {
    out.push({ date: dayOf(start), end: new Date(Math.min(start + DAY, now.getTime())) });
  }
  return out;
}

/**
 * For each day of the period, the hazards overdue at that day's end: reported by then, past their
 * deadline then, and not closed by then — from each hazard's deadline and closed dates, not from its
 * state today, so a hazard closed last week still counts on the days it was overdue.
 *
 * One query on either backend: a conditional count per day over the hazards that can be overdue on
 * any day of the period (deadline before the last end, not closed before the first). The day ends
 * are bound parameters, so SQLite and MariaDB compare them with the stored UTC times alike.
 */
export async function overdueTrend(m: EntityManager, units: readonly number[] | null, from: Date, to: Date, now: Date): Promise<TrendPoint[]> {
  const days = dayEnds(from, to, now);
  if (days.length === 0) return [];
  if (units && units.length === 0) return days.map((d) => ({ date: d.date, overdue: 0 }));
  const q = m
    .createQueryBuilder(Hazard, "h")
    .where("h.deadline IS NOT NULL AND h.deadline < :last AND h.reported_at < :last", { last: (days[days.length - 1] as { end: Date }).end })
    .andWhere("(h.closed_at IS NULL OR h.closed_at > :first)", { first: (days[0] as { end: Date }).end });
  if (units) q.andWhere("h.unit_id IN (:...units)", { units: [...units] });
  days.forEach((d, i) => {
    q[i === 0 ? "select" : "addSelect"](`SUM(CASE WHEN h.deadline < :e${i} AND h.reported_at < :e${i} AND (h.closed_at IS NULL OR h.closed_at > :e${i}) THEN 1 ELSE 0 END)`, `d${i}`);
    q.setParameter(`e${i}`, d.end);
  });
  const row = (await q.getRawOne<Record<string, string | number | null>>()) ?? {};
  return days.map((d, i) => ({ date: d.date, overdue: Number(row[`d${i}`] ?? 0) }));
}
