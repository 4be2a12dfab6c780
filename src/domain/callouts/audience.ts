import { type EntityManager, In, IsNull, Like } from "typeorm";
import { OrgUnit, Person } from "../../db/entities";
import { Invalid } from "../../errors";
import type { RoleCode } from "../org/vocabulary";

/** "These units and everything below them × these roles", e.g. all towns × village_cadre. */
export interface AudienceRule {
  /** Unit codes (e.g. `QH-DL`); each stands for its whole subtree. */
  units: string[];
  roles: RoleCode[];
}

/**
 * Active people matching any rule, plus the explicitly named, each once, ordered by id. Unknown
 * unit codes or person ids are refused by name rather than silently calling fewer people.
 */
export async function resolveAudience(tx: EntityManager, rules: readonly AudienceRule[], personIds: readonly number[]): Promise<Person[]> {
  const found = new Map<number, Person>();
  for (const rule of rules) {
    for (const p of await matchRule(tx, rule)) found.set(p.id, p);
  }
  if (personIds.length) {
    const named = await tx.find(Person, { where: { id: In([...personIds]) } });
    const missing = personIds.filter((id) => !named.some((p) => p.id === id));
    if (missing.length) throw Invalid(`找不到以下人员：${missing.join("、")}`, undefined, "callout_unknown_person");
    const inactive = named.filter((p) => !p.active);
    if (inactive.length) throw Invalid(`以下人员已停用，不能叫应：${inactive.map((p) => p.name).join("、")}`, undefined, "callout_inactive_person");
    for (const p of named) found.set(p.id, p);
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}

async function matchRule(tx: EntityManager, rule: AudienceRule): Promise<Person[]> {
  const units = await unitsNamed(tx, rule.units);
  const subtree = new Set<number>();
  for (const unit of units) {
    // `path` lists the unit's ancestors and itself (`/1/4/17/`), so a prefix match is the subtree.
    const below = await tx.find(OrgUnit, { where: { path: Like(`${unit.path}%`) }, select: { id: true } });
    for (const u of below) subtree.add(u.id);
    subtree.add(unit.id);
  }
  if (subtree.size === 0) return [];
  const people = await tx.find(Person, { where: { unitId: In([...subtree]), active: true } });
  return people.filter((p) => p.roles.some((r) => rule.roles.includes(r)));
}

/**
 * The units a rule names, each by its code or by a name only one unit has (城关镇); an unknown or
 * ambiguous name is refused, the ambiguous one with the codes to choose from.
 */
async function unitsNamed(tx: EntityManager, names: readonly string[]): Promise<OrgUnit[]> {
  if (!names.length) return [];
  const byCode = await tx.find(OrgUnit, { where: { code: In([...names]) } });
  const rest = names.filter((n) => !byCode.some((u) => u.code === n));
  const byName = rest.length ? await tx.find(OrgUnit, { where: { name: In(rest) } }) : [];
  const unknown = rest.filter((n) => !byName.some((u) => u.name === n));
  if (unknown.length) throw Invalid(`找不到以下单位：${unknown.join("、")}（可填写单位编码或单位全称）`, undefined, "callout_unknown_unit");
  const ambiguous = rest.filter((n) => byName.filter((u) => u.name === n).length > 1);
  if (ambiguous.length) {
    const choices = ambiguous.map((n) => `“${n}”有 ${byName.filter((u) => u.name === n).map((u) => u.code).join("、")}`).join("；");
    throw Invalid(`以下单位名称不唯一，请改用单位编码：${choices}`, undefined, "callout_ambiguous_unit");
  }
  return [...byCode, ...byName];
}

/** The county's leaders who get the deadline report: the root unit's active deputy leaders and chief. */
export async function reportLeaders(tx: EntityManager): Promise<Person[]> {
  const root = await tx.findOne(OrgUnit, { where: { parentId: IsNull() }, order: { id: "ASC" } });
  if (!root) return [];
  const staff = await tx.find(Person, { where: { unitId: root.id, active: true }, order: { id: "ASC" } });
  return staff.filter((p) => p.roles.includes("deputy_leader") || p.roles.includes("chief"));
}
