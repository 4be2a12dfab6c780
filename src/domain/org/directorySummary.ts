import type { Database } from "../../db/Database";
import { Enterprise, OrgUnit, Person } from "../../db/entities";
import { type RiskLevel, riskLevels, type UnitKind, unitKinds } from "./vocabulary";

/** Counts that show at a glance what the directory holds; no names, no numbers of people. */
export interface DirectorySummary {
  units: Record<UnitKind, number>;
  activePeople: number;
  /** Everyone in the directory, the departed included, so "在岗" reads against a whole. */
  allPeople: number;
  /** Active enterprises by risk colour. */
  enterprises: Record<RiskLevel, number>;
}

export async function summarizeDirectory(db: Database): Promise<DirectorySummary> {
  const units = Object.fromEntries(unitKinds.codes.map((k) => [k, 0])) as Record<UnitKind, number>;
  const enterprises = Object.fromEntries(riskLevels.codes.map((k) => [k, 0])) as Record<RiskLevel, number>;
  const unitRows: { kind: UnitKind; n: string | number }[] = await db.manager
    .createQueryBuilder(OrgUnit, "u")
    .select("u.kind", "kind")
    .addSelect("COUNT(*)", "n")
    .groupBy("u.kind")
    .getRawMany();
  for (const r of unitRows) units[r.kind] = Number(r.n);
  const riskRows: { level: RiskLevel; n: string | number }[] = await db.manager
    .createQueryBuilder(Enterprise, "e")
    .select("e.risk_level", "level")
    .addSelect("COUNT(*)", "n")
    .where("e.active = :active", { active: true })
    .groupBy("e.risk_level")
    .getRawMany();
  for (const r of riskRows) enterprises[r.level] = Number(r.n);
  const activePeople = await db.manager.count(Person, { where: { active: true } });
  const allPeople = await db.manager.count(Person);
  return { units, activePeople, allPeople, enterprises };
}
