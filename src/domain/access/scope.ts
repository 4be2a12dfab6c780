import { type EntityManager, In, Like } from "typeorm";
import { ConsoleGrant, OrgUnit, type Person } from "../../db/entities";
import { consoleRolesOf, defaultScopeOf, permissionsOf } from "./consoleRoles";
import { type ConsoleRole, consoleRoles, type DataScopeCode, dataScopes, type Permission } from "./vocabulary";

/** The units whose data a person sees. */
export interface DataScope {
  code: DataScopeCode;
  /** The units the scope is rooted at (empty for 全部 and 仅本人). */
  roots: OrgUnit[];
  /** Every unit inside the scope; null for 全部 (no limit). Empty for 仅本人. */
  unitIds: ReadonlySet<number> | null;
  /** The person, for 仅本人 (what they own, reported or initiated). */
  personId: number;
}

/** What a person may do in the console and over which units. */
export interface Access {
  /** The main console role; null: no console access (signed in, may read only their own profile). */
  role: ConsoleRole | null;
  roles: ConsoleRole[];
  permissions: Permission[];
  scope: DataScope;
}

/** Kinds of unit that are part of the unit above them: a 科室 or 执法中队 works for its whole 县局. */
const SECTIONS = new Set(["department", "squad"]);

/** A person's console roles, permissions and data scope: an administrator's grant, else what their directory roles give. */
export async function accessOf(manager: EntityManager, person: Person): Promise<Access> {
  const grant = await manager.findOne(ConsoleGrant, { where: { personId: person.id } });
  const roles: ConsoleRole[] = grant ? (consoleRoles.isCode(grant.role) ? [grant.role] : []) : consoleRolesOf(person);
  const role = roles[0] ?? null;
  const code: DataScopeCode = grant?.scope && dataScopes.isCode(grant.scope) ? grant.scope : role ? defaultScopeOf(person, role) : "self";
  const custom = grant?.unitIds ? grant.unitIds.split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0) : [];
  return { role, roles, permissions: permissionsOf(roles), scope: await scopeOf(manager, person, code, custom) };
}

async function scopeOf(manager: EntityManager, person: Person, code: DataScopeCode, custom: number[]): Promise<DataScope> {
  const none = { code, personId: person.id };
  if (code === "all") return { ...none, roots: [], unitIds: null };
  if (code === "self") return { ...none, roots: [], unitIds: new Set() };
  const roots = code === "custom" ? await manager.find(OrgUnit, { where: { id: In(custom.length ? custom : [0]) } }) : [await homeUnit(manager, person.unitId)];
  if (code === "unit") return { ...none, roots, unitIds: new Set(roots.map((u) => u.id)) };
  const unitIds = new Set<number>();
  for (const root of roots) {
    // `path` lists a unit's ancestors and itself (`/1/4/17/`), so a prefix match is its subtree.
    for (const u of await manager.find(OrgUnit, { where: { path: Like(`${root.path}%`) }, select: { id: true } })) unitIds.add(u.id);
  }
  return { ...none, roots, unitIds };
}

/** The unit a person's 本单位 means: their own, or the 县局 their 科室 / 执法中队 belongs to. */
async function homeUnit(manager: EntityManager, unitId: number): Promise<OrgUnit> {
  let unit = await manager.findOneByOrFail(OrgUnit, { id: unitId });
  while (SECTIONS.has(unit.kind) && unit.parentId !== null) unit = await manager.findOneByOrFail(OrgUnit, { id: unit.parentId });
  return unit;
}

/** Whether a unit lies inside the scope (仅本人 holds no unit). */
export function unitInScope(scope: DataScope, unitId: number): boolean {
  return scope.unitIds === null || scope.unitIds.has(unitId);
}
