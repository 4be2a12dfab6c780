import { type EntityManager, In, IsNull, LessThanOrEqual, MoreThan } from "typeorm";
import { DutyCriticalPeriod } from "../../db/entities/DutyCriticalPeriod";

/** The critical periods (重要节点) in force at `at` for a unit (its own or an ancestor's, or the county's). */
export async function criticalAt(manager: EntityManager, chain: readonly number[], at: Date): Promise<DutyCriticalPeriod[]> {
  const span = { startsAt: LessThanOrEqual(at), endsAt: MoreThan(at) };
  return manager.find(DutyCriticalPeriod, { where: [{ ...span, unitId: IsNull() }, { ...span, unitId: In([...chain]) }], order: { startsAt: "ASC", id: "ASC" } });
}
