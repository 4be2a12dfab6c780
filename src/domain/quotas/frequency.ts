import type { EntityManager } from "typeorm";
import { Enterprise, Inspection, OrgUnit } from "../../db/entities";
import { type RiskLevel, riskLevels } from "../org/vocabulary";
import { addMonths, wholeDays } from "./calendar";

/** An enterprise past the inspection its risk colour calls for. */
export interface OverdueEnterprise {
  enterpriseId: number;
  name: string;
  risk: string;
  /** Last check-in, or null when never inspected. */
  lastInspectedAt: Date | null;
  dueAt: Date;
  daysOverdue: number;
}

/**
 * 分级监管: active enterprises supervised in `unit` and below whose last check-in (or, never
 * inspected, their registration) is older than their colour allows; most overdue first.
 */
export async function overdueEnterprises(manager: EntityManager, unit: Pick<OrgUnit, "path">, frequencies: ReadonlyMap<RiskLevel, number>, now: Date): Promise<OverdueEnterprise[]> {
  const enterprises = await manager
    .createQueryBuilder(Enterprise, "e")
    .innerJoin(OrgUnit, "u", "u.id = e.supervising_unit_id")
    .where("u.path LIKE :prefix", { prefix: `${unit.path}%` })
    .andWhere("e.active = :yes", { yes: true })
    .select(["e.id", "e.name", "e.riskLevel", "e.createdAt"])
    .getMany();
  if (enterprises.length === 0) return [];
  const last = await manager
    .createQueryBuilder(Inspection, "i")
    .select("i.enterprise_id", "id")
    .addSelect("MAX(i.checked_in_at)", "at")
    .where("i.checked_in_at <= :now", { now })
    .andWhere("i.enterprise_id IN (:...ids)", { ids: enterprises.map((e) => e.id) })
    .groupBy("i.enterprise_id")
    .getRawMany<{ id: number | string; at: Date | string }>();
  const lastById = new Map(last.map((r) => [Number(r.id), asDate(r.at)]));
  const out: OverdueEnterprise[] = [];
  for (const e of enterprises) {
    const months = frequencies.get(e.riskLevel);
    if (!months) continue;
    const lastAt = lastById.get(e.id) ?? null;
    const dueAt = addMonths(lastAt ?? e.createdAt, months);
    if (dueAt.getTime() >= now.getTime()) continue;
    out.push({ enterpriseId: e.id, name: e.name, risk: riskLevels.label(e.riskLevel), lastInspectedAt: lastAt, dueAt, daysOverdue: wholeDays(dueAt, now) });
  }
  return out.sort((a, b) => b.daysOverdue - a.daysOverdue || a.enterpriseId - b.enterpriseId);
}

/** A raw MAX() comes back as a Date (MySQL) or text in UTC (SQLite). */
function asDate(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(/Z$|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`);
}
