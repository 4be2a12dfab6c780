import chineseDays from "chinese-days";
import { type EntityManager, In, LessThan, MoreThan } from "typeorm";
import { WarningMessage } from "../../db/entities";
import { DutyCriticalPeriod } from "../../db/entities/DutyCriticalPeriod";
import { NotFound } from "../../errors";
import { localDate } from "./time";

const DAY_MS = 86_400_000;
/** How far ahead holiday periods are written, and how long a warning's period lasts unless lifted. */
const HOLIDAY_LOOKAHEAD_DAYS = 14;
const WARNING_HOURS = 24;

export const PERIOD_KINDS = { holiday: "节假日", flood: "汛期", event: "重大活动", warning: "预警", other: "其他" } as const;
export type PeriodKind = keyof typeof PERIOD_KINDS;

const insertIgnore = (tx: EntityManager, rows: Partial<DutyCriticalPeriod>[]) => (rows.length ? tx.createQueryBuilder().insert().into(DutyCriticalPeriod).values(rows).orIgnore().updateEntity(false).execute() : Promise.resolve());

/**
 * Statutory holidays and their in-lieu days off (chinese-days) within the next two weeks, each
 * consecutive stretch one county-wide period, written once (unique source `holiday:<first day>`).
 * An administrator's override stays: a withdrawn period is kept ended, so it is not written again.
 */
export async function ensureHolidayPeriods(tx: EntityManager, now: Date): Promise<void> {
  const first = localDate(now);
  const last = localDate(new Date(now.getTime() + HOLIDAY_LOOKAHEAD_DAYS * DAY_MS));
  const days = chineseDays.getHolidaysInRange(first, last, false);
  const stretches: string[][] = [];
  for (const day of days) {
    const run = stretches.at(-1);
    const prev = run?.at(-1);
    if (run && prev && new Date(`${day}T00:00:00Z`).getTime() - new Date(`${prev}T00:00:00Z`).getTime() === DAY_MS) run.push(day);
    else stretches.push([day]);
  }
  await insertIgnore(
    tx,
    stretches.map((run) => {
      const start = run[0] as string;
      const end = run.at(-1) as string;
      const name = chineseDays.getDayDetail(start).name.split(",")[1] ?? "法定节假日";
      return { kind: "holiday", name: `${name}假期`, unitId: null, startsAt: new Date(`${start}T00:00:00+08:00`), endsAt: new Date(new Date(`${end}T00:00:00+08:00`).getTime() + DAY_MS), source: `holiday:${start}`, createdAt: now };
    }),
  );
}

/**
 * A red or orange warning taken in by POST /api/warnings opens a period by itself (24 hours from
 * its receipt); its Cancel ends it. The warning's chain (its root) names the period once.
 */
export async function followWarnings(tx: EntityManager, now: Date): Promise<void> {
  const recent = await tx.find(WarningMessage, { where: { receivedAt: MoreThan(new Date(now.getTime() - WARNING_HOURS * 3_600_000)) }, order: { id: "ASC" } });
  const opening = recent.filter((w) => w.msgType !== "Cancel" && (w.level === "red" || w.level === "orange"));
  await insertIgnore(
    tx,
    opening.map((w) => ({ kind: "warning", name: `${w.level === "red" ? "红色" : "橙色"}预警`, unitId: null, startsAt: w.receivedAt, endsAt: new Date(w.receivedAt.getTime() + WARNING_HOURS * 3_600_000), source: `warning:${w.rootId ?? w.id}`, createdAt: now })),
  );
  const lifted = recent.filter((w) => w.msgType === "Cancel");
  if (lifted.length === 0) return;
  const periods = await tx.find(DutyCriticalPeriod, { where: { source: In(lifted.map((w) => `warning:${w.rootId ?? w.id}`)), endsAt: MoreThan(now) } });
  for (const p of periods) {
    const cancel = lifted.find((w) => `warning:${w.rootId ?? w.id}` === p.source) as WarningMessage;
    await tx.update(DutyCriticalPeriod, { id: p.id }, { endsAt: cancel.receivedAt.getTime() > p.startsAt.getTime() ? cancel.receivedAt : p.startsAt });
  }
}

/** An administrator's period (flood season, a major event…), county-wide or for a unit and below. */
export async function addPeriod(tx: EntityManager, input: { kind: PeriodKind; name: string; unitId: number | null; start: Date; end: Date }, source: string, now: Date): Promise<DutyCriticalPeriod> {
  return tx.save(tx.create(DutyCriticalPeriod, { kind: input.kind, name: input.name, unitId: input.unitId, startsAt: input.start, endsAt: input.end, source, createdAt: now }));
}

/** Ends a period now (kept, so a holiday is not written again by the next tick). */
export async function endPeriod(tx: EntityManager, id: number, now: Date): Promise<void> {
  const p = await tx.findOneBy(DutyCriticalPeriod, { id });
  if (!p) throw NotFound("该重要节点", "duty_period_not_found");
  await tx.update(DutyCriticalPeriod, { id }, { endsAt: p.startsAt.getTime() > now.getTime() ? p.startsAt : now });
}

/** Periods overlapping [from, to). */
export function periodsIn(manager: EntityManager, from: Date, to: Date): Promise<DutyCriticalPeriod[]> {
  return manager.find(DutyCriticalPeriod, { where: { startsAt: LessThan(to), endsAt: MoreThan(from) }, order: { startsAt: "ASC", id: "ASC" } });
}

