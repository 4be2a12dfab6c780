import { type EntityManager, In, Like } from "typeorm";
import { Enterprise, OrgUnit, Person } from "../../db/entities";
import type { Industry, RoleCode } from "../org/vocabulary";
import type { RuleSelection } from "./rules";
import { servingLeaders } from "../duty/servingLeaders";

/** A person a warning calls, with the roles that put them on the list. */
export interface Selected {
  person: Person;
  because: Set<RoleCode>;
}

/**
 * The people the selected rules name inside the areas' subtrees, each once, ordered by id. With
 * `at`, 带班领导 means the leader on duty then where a unit's roster has one (src/domain/duty).
 */
export async function selectPeople(tx: EntityManager, areas: readonly OrgUnit[], sel: RuleSelection, at?: Date): Promise<Selected[]> {
  const unitIds = await subtreeIds(tx, areas);
  const found = new Map<number, Selected>();
  const add = (p: Person, role: RoleCode) => {
    const s = found.get(p.id) ?? { person: p, because: new Set<RoleCode>() };
    s.because.add(role);
    found.set(p.id, s);
  };
  const onDuty = at && sel.roles.includes("duty_leader") ? await servingLeaders(tx, unitIds, at) : new Map<number, Set<number>>();
  if (unitIds.length && sel.roles.length) {
    const people = await tx.find(Person, { where: { unitId: In(unitIds), active: true } });
    const rostered = (p: Person) => !onDuty.has(p.unitId) || onDuty.get(p.unitId)?.has(p.id) === true;
    for (const p of people) for (const r of p.roles) if (sel.roles.includes(r) && (r !== "duty_leader" || rostered(p))) add(p, r);
  }
  const serving = [...new Set([...onDuty.values()].flatMap((ids) => [...ids]))];
  if (serving.length) for (const p of await tx.find(Person, { where: { id: In(serving), active: true } })) add(p, "duty_leader");
  if (unitIds.length && sel.enterpriseOwners) {
    for (const p of await enterpriseOwners(tx, areas, unitIds, sel.enterpriseOwners)) add(p, "enterprise_owner");
  }
  return [...found.values()].sort((a, b) => a.person.id - b.person.id);
}

/**
 * Owners of active enterprises in the areas: supervised by a unit there, or with the area's name
 * in their address — large plants are supervised by a county office yet stand in a town, and the
 * weather falls where they stand.
 */
async function enterpriseOwners(tx: EntityManager, areas: readonly OrgUnit[], unitIds: number[], industries: "all" | Industry[]): Promise<Person[]> {
  const where = { active: true, ...(industries === "all" ? {} : { industry: In(industries) }) };
  const enterprises = await tx.find(Enterprise, { where, select: { id: true, enterpriseOwnerId: true, supervisingUnitId: true, address: true } });
  const inUnits = new Set(unitIds);
  const names = areas.map((a) => a.name).filter((n) => n.length >= 2);
  const inside = (e: Enterprise) => inUnits.has(e.supervisingUnitId) || (e.address !== null && names.some((n) => (e.address as string).includes(n)));
  const ids = [...new Set(enterprises.filter(inside).map((e) => e.enterpriseOwnerId).filter((id): id is number => id !== null))];
  return ids.length ? tx.find(Person, { where: { id: In(ids), active: true } }) : [];
}

// `path` lists a unit's ancestors and itself (`/1/4/17/`), so a prefix match is its subtree.
async function subtreeIds(tx: EntityManager, areas: readonly OrgUnit[]): Promise<number[]> {
  const ids = new Set<number>();
  for (const unit of areas) {
    ids.add(unit.id);
    const below = await tx.find(OrgUnit, { where: { path: Like(`${unit.path}%`) }, select: { id: true } });
    for (const u of below) ids.add(u.id);
  }
  return [...ids];
}
