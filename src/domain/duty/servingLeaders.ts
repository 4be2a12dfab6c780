import { type EntityManager, In, LessThanOrEqual, MoreThan } from "typeorm";
import { DutyShift } from "../../db/entities/DutyShift";
import { serverOf } from "./audience";

/**
 * The duty leaders (带班领导) serving at `at` per unit, from the roster's rows (a swap counts):
 * where a 叫应 names 带班领导, a unit with a leader on duty calls that leader rather than every
 * holder of the role. Units with nobody rostered are absent (their role holders are called).
 */
export async function servingLeaders(manager: EntityManager, unitIds: readonly number[], at: Date): Promise<Map<number, Set<number>>> {
  const out = new Map<number, Set<number>>();
  if (unitIds.length === 0) return out;
  const rows = await manager.find(DutyShift, { where: { unitId: In([...unitIds]), role: "leader", startAt: LessThanOrEqual(at), endAt: MoreThan(at) } });
  for (const r of rows) out.set(r.unitId, (out.get(r.unitId) ?? new Set()).add(serverOf(r)));
  return out;
}
