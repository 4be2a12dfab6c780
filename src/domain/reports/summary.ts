import type { EntityManager } from "typeorm";
import { Enterprise, Hazard, Inspection, OrgUnit } from "../../db/entities";
import { OPEN_STATES } from "../hazards/queries";
import type { Span } from "../quotas/calendar";
import { overdueEnterprises } from "../quotas/frequency";
import { loadFrequencies } from "../quotas/rules";

/** The 监管对象底数 and the month's figures of seed 004's report, for one unit and everything below it. */
export interface MonthlySummary {
  /** Active enterprises supervised (监管对象底数). */
  enterprises: number;
  /** 村（社区） in the unit. */
  villages: number;
  /** Distinct enterprises checked in the month. */
  enterprisesInspected: number;
  /** Distinct towns/villages whose people checked in in the month. */
  unitsInspecting: number;
  inspections: number;
  hazards: number;
  major: number;
  general: number;
  /** Found this month and already verified or closed (销号). */
  rectified: number;
  /** Found this month, still owed and past the deadline now. */
  overdue: number;
  /** 分级监管: enterprises overdue now for the inspection their risk colour calls for. */
  enterprisesOverdue: number;
}

const RECTIFIED = ["verified", "closed"];

export async function monthlySummary(manager: EntityManager, unit: OrgUnit, span: Span, now: Date): Promise<MonthlySummary> {
  const prefix = `${unit.path}%`;
  const inUnit = "IN (SELECT ru.id FROM org_units ru WHERE ru.path LIKE :prefix)";
  // The scope's units by id: with a subquery MariaDB reads each unit's every hazard through the unit
  // index (5 s for a town at a million hazards); a list of ids is a range on (unit, time).
  const units = (await manager.createQueryBuilder(OrgUnit, "u").select("u.id").where("u.path LIKE :prefix", { prefix }).getMany()).map((u) => u.id);
  const hazards = () => manager.createQueryBuilder(Hazard, "h").where("h.unit_id IN (:...units)", { units }).andWhere("h.reported_at >= :from AND h.reported_at < :to", span);
  const inspections = () => manager.createQueryBuilder(Inspection, "i").where("i.unit_id IN (:...units)", { units }).andWhere("i.checked_in_at >= :from AND i.checked_in_at < :to", span);
  // One pass over the month's check-ins and one over its hazards, each counting every figure at once.
  const [enterprises, villages, checks, found, lateEnterprises] = await Promise.all([
    manager.createQueryBuilder(Enterprise, "e").where(`e.supervising_unit_id ${inUnit}`, { prefix }).andWhere("e.active = :yes", { yes: true }).getCount(),
    manager.createQueryBuilder(OrgUnit, "u").where("u.path LIKE :prefix AND u.kind = :village", { prefix, village: "village" }).getCount(),
    inspections()
      .select("COUNT(*)", "n")
      .addSelect("COUNT(DISTINCT i.enterprise_id)", "enterprises")
      .addSelect("COUNT(DISTINCT i.unit_id)", "units")
      .getRawOne<Record<"n" | "enterprises" | "units", number | string | null>>(),
    hazards()
      .select("COUNT(*)", "n")
      .addSelect("SUM(CASE WHEN h.level = :major THEN 1 ELSE 0 END)", "major")
      .addSelect("SUM(CASE WHEN h.state IN (:...rectified) THEN 1 ELSE 0 END)", "rectified")
      .addSelect("SUM(CASE WHEN h.state IN (:...open) AND h.deadline IS NOT NULL AND h.deadline < :now THEN 1 ELSE 0 END)", "overdue")
      .setParameters({ major: "major", rectified: RECTIFIED, open: [...OPEN_STATES], now })
      .getRawOne<Record<"n" | "major" | "rectified" | "overdue", number | string | null>>(),
    loadFrequencies(manager).then((f) => overdueEnterprises(manager, unit, f, now)),
  ]);
  const total = Number(found?.n ?? 0);
  const major = Number(found?.major ?? 0);
  return {
    enterprises,
    villages,
    enterprisesInspected: Number(checks?.enterprises ?? 0),
    unitsInspecting: Number(checks?.units ?? 0),
    inspections: Number(checks?.n ?? 0),
    hazards: total,
    major,
    general: total - major,
    rectified: Number(found?.rectified ?? 0),
    overdue: Number(found?.overdue ?? 0),
    enterprisesOverdue: lateEnterprises.length,
  };
}
