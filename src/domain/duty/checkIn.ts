import type { EntityManager } from "typeorm";
import type { Person } from "../../db/entities";
import { DutyLogEntry } from "../../db/entities/DutyLogEntry";
import { DutyShift } from "../../db/entities/DutyShift";
import { chainOf, serverOf } from "./audience";
import { criticalAt } from "./critical";
import { shiftsOfPerson } from "./shifts";
import { LOG_KINDS, type LogKind } from "./vocabulary";

/** How early a check-in may come before the start. */
const EARLY_MS = 60 * 60_000;

/** The shift a person serves that a check-in at `at` belongs to: running, or starting within the hour. */
export async function currentShift(manager: EntityManager, personId: number, at: Date): Promise<DutyShift | null> {
  const shifts = await shiftsOfPerson(manager, personId, at, new Date(at.getTime() + EARLY_MS));
  return shifts.find((s) => serverOf(s) === personId) ?? null;
}

export async function logLine(tx: EntityManager, shift: DutyShift, kind: LogKind, personId: number | null, at: Date, text: string = LOG_KINDS[kind]): Promise<void> {
  await tx.insert(DutyLogEntry, { shiftId: shift.id, unitId: shift.unitId, personId, kind, at, text: text.slice(0, 1000) });
}

export type CheckInOutcome =
  | { kind: "no_shift" }
  | { kind: "already"; shift: DutyShift }
  | { kind: "need_location"; shift: DutyShift }
  | { kind: "checked_in"; shift: DutyShift; handover: string | null };

/**
 * 到岗签到. In a critical period the check-in needs a shared location: the first 到岗签到 asks for
 * it, the location completes it. The outgoing shift's handover note (交接班) comes with it.
 */
export async function checkIn(tx: EntityManager, person: Person, at: Date, location: { latitude: number; longitude: number } | null): Promise<CheckInOutcome> {
  const shift = await currentShift(tx, person.id, at);
  if (!shift) return { kind: "no_shift" };
  if (shift.checkedInAt) return { kind: "already", shift };
  const critical = (await criticalAt(tx, await chainOf(tx, shift.unitId), at)).length > 0;
  if (critical && !location) {
    await tx.update(DutyShift, { id: shift.id }, { locationAskedAt: at });
    return { kind: "need_location", shift };
  }
  const res = await tx
    .createQueryBuilder()
    .update(DutyShift)
    .set({ checkedInAt: at, checkInLatitude: location?.latitude ?? null, checkInLongitude: location?.longitude ?? null, locationAskedAt: null, updatedAt: at })
    .where("id = :id AND checked_in_at IS NULL", { id: shift.id })
    .execute();
  if ((res.affected ?? 0) === 0) return { kind: "already", shift };
  await logLine(tx, shift, "checked_in", person.id, at, location ? `到岗签到（位置 ${location.latitude.toFixed(5)},${location.longitude.toFixed(5)}）` : "到岗签到");
  return { kind: "checked_in", shift, handover: await handoverFor(tx, shift) };
}

/** The handover the previous shift of the same unit and role left, if any. */
async function handoverFor(tx: EntityManager, shift: DutyShift): Promise<string | null> {
  const previous = await tx
    .createQueryBuilder(DutyShift, "s")
    .where("s.unit_id = :unit AND s.role = :role AND s.end_at <= :start AND s.handover_note IS NOT NULL AND s.id <> :id", { unit: shift.unitId, role: shift.role, start: new Date(shift.startAt.getTime() + 60_000), id: shift.id })
    .orderBy("s.end_at", "DESC")
    .getOne();
  return previous?.handoverNote ?? null;
}

/** Whether a person has a check-in waiting for their location (asked within the last half hour). */
export async function awaitingLocation(manager: EntityManager, personId: number, at: Date): Promise<boolean> {
  const shift = await currentShift(manager, personId, at);
  return shift !== null && shift.checkedInAt === null && shift.locationAskedAt !== null && at.getTime() - shift.locationAskedAt.getTime() < 30 * 60_000;
}
