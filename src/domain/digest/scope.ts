import type { EntityManager } from "typeorm";
import { In } from "typeorm";
import { OrgUnit, Person } from "../../db/entities";
import type { RoleCode } from "../org/vocabulary";

/** Who gets the daily digest by role: 主要负责人, 分管负责人, 带班领导. */
export const DIGEST_ROLES: readonly RoleCode[] = ["chief", "deputy_leader", "duty_leader"];

/** The units a leader leads: their own and everything below it. */
export interface Scope {
  unit: OrgUnit;
  /** `path%`, for `u.path LIKE :prefix`. */
  prefix: string;
  /** The root of the tree: also answers for what belongs to no unit (a tip about no enterprise). */
  isRoot: boolean;
}

export function scopeOf(unit: OrgUnit): Scope {
  return { unit, prefix: `${unit.path}%`, isRoot: unit.parentId === null };
}

/**
 * Everyone who gets a digest: active people holding a digest role, plus the configured
 * recipients (DIGEST_RECIPIENTS, by mobile); each once, by id.
 */
export async function digestRecipients(manager: EntityManager, extraMobiles: readonly string[]): Promise<Person[]> {
  // A first cut in SQL (roles are a comma list; the exact test follows): the county's thousands of grid members are not read.
  const q = manager.createQueryBuilder(Person, "p").where("p.active = :yes", { yes: true });
  const cut = DIGEST_ROLES.map((_, i) => `p.roles LIKE :role${i}`);
  if (extraMobiles.length) cut.push("p.mobile IN (:...extra)");
  const active = await q.andWhere(`(${cut.join(" OR ")})`, { ...Object.fromEntries(DIGEST_ROLES.map((r, i) => [`role${i}`, `%${r}%`])), extra: [...extraMobiles] }).orderBy("p.id", "ASC").getMany();
  const extra = new Set(extraMobiles);
  return active.filter((p) => p.roles.some((r) => DIGEST_ROLES.includes(r)) || extra.has(p.mobile));
}

/** The person's unit, for their scope. */
export async function unitOf(manager: EntityManager, person: Person): Promise<OrgUnit> {
  return manager.findOneByOrFail(OrgUnit, { id: person.unitId });
}

/** Units by id, for names. */
export async function unitsById(manager: EntityManager, ids: number[]): Promise<Map<number, OrgUnit>> {
  if (ids.length === 0) return new Map();
  return new Map((await manager.find(OrgUnit, { where: { id: In(ids) } })).map((u) => [u.id, u]));
}
