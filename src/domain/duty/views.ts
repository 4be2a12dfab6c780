import { type EntityManager, In } from "typeorm";
import { OrgUnit, Person } from "../../db/entities";
import type { DutyShift } from "../../db/entities/DutyShift";
import { serverOf } from "./audience";
import type { ShiftView } from "./messages";

/** Shifts with their unit's and server's names, as messages show them. */
export async function viewsOf(manager: EntityManager, shifts: readonly DutyShift[]): Promise<ShiftView[]> {
  if (shifts.length === 0) return [];
  const units = await manager.find(OrgUnit, { where: { id: In([...new Set(shifts.map((s) => s.unitId))]) } });
  const people = await manager.find(Person, { where: { id: In([...new Set(shifts.map(serverOf))]) } });
  return shifts.map((s) => ({
    id: s.id,
    unitName: units.find((u) => u.id === s.unitId)?.name ?? "",
    personName: people.find((p) => p.id === serverOf(s))?.name ?? "",
    role: s.role,
    startAt: s.startAt,
    endAt: s.endAt,
  }));
}

export async function viewOf(manager: EntityManager, shift: DutyShift): Promise<ShiftView> {
  return (await viewsOf(manager, [shift]))[0] as ShiftView;
}
