import { Brackets, In } from "typeorm";
import type { Database } from "../../db/Database";
import { DutyShift, OrgUnit, Person } from "../../db/entities";
import type { DutyScope, DutyShiftLine, DutySource, DutyToday } from "../digest/duty";
import { localDate, localTime } from "./time";

const DAY_MS = 86_400_000;
/** A shift counts as missed once its start is this far behind and no 到岗签到 came (the ladder's first step). */
const MISSED_AFTER_MS = 15 * 60_000;

/**
 * The duty feature's answer to the daily digest (今日值班 and 值班未签到): read from the roster, for
 * the units a leader leads. The person named is who serves (after a swap), not who was planned.
 */
export function dutyDigestSource(db: Database): DutySource {
  return {
    async today(scope: DutyScope, day: string, asOf: Date): Promise<DutyToday> {
      const dayStart = new Date(`${day}T00:00:00+08:00`);
      const dayEnd = new Date(dayStart.getTime() + DAY_MS);
      const inScope = new Brackets((w) => w.where("u.id = :unitId", { unitId: scope.unitId }).orWhere("u.path LIKE :prefix", { prefix: `${scope.unitPath}%` }));
      const rows = async (from: Date, to: Date) => {
        const shifts = await db.manager
          .createQueryBuilder(DutyShift, "s")
          .innerJoin(OrgUnit, "u", "u.id = s.unitId")
          .where(inScope)
          .andWhere("s.startAt < :to AND s.endAt > :from", { from, to })
          .orderBy("s.startAt", "ASC")
          .addOrderBy("s.id", "ASC")
          .getMany();
        const people = await byId(Person, shifts.map((s) => s.servedById ?? s.personId));
        const units = await byId(OrgUnit, shifts.map((s) => s.unitId));
        return shifts.map((s) => ({ shift: s, personName: people.get(s.servedById ?? s.personId)?.name ?? "", unitName: units.get(s.unitId)?.name ?? "" }));
      };
      const byId = async <T extends { id: number }>(entity: new () => T, ids: number[]): Promise<Map<number, T>> =>
        new Map((ids.length ? await db.manager.findBy(entity, { id: In([...new Set(ids)]) } as never) : []).map((row) => [(row as T).id, row as T]));
      const line = (r: { shift: DutyShift; unitName: string; personName: string }, withDate = false): DutyShiftLine => {
        const { startAt: start, endAt: end } = r.shift;
        return { name: r.personName, unit: r.unitName, hours: `${withDate ? `${localDate(start).slice(5)} ` : ""}${localTime(start)}–${localDate(end) === localDate(start) ? "" : "次日 "}${localTime(end)}` };
      };
      const today = await rows(dayStart, dayEnd);
      // Yesterday's and today's shifts that started long enough ago and were never checked in.
      const recent = await rows(new Date(dayStart.getTime() - DAY_MS), asOf);
      const missed = recent.filter(({ shift }) => shift.checkedInAt === null && shift.startAt.getTime() <= asOf.getTime() - MISSED_AFTER_MS && shift.startAt.getTime() >= dayStart.getTime() - DAY_MS);
      return { leaders: today.filter(({ shift }) => shift.role === "leader").map((r) => line(r)), missedCheckIns: missed.map((r) => line(r, true)) };
    },
  };
}
