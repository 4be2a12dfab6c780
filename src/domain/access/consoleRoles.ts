import type { Person } from "../../db/entities";
import type { RoleCode } from "../org/vocabulary";
import { type ConsoleRole, type DataScopeCode, PERMISSIONS, type Permission } from "./vocabulary";

const reads = PERMISSIONS.filter((p) => p.endsWith(":read"));

/** What each console role may do (RuoYi's 菜单权限), and the data scope it has unless an administrator sets another. */
export const ROLE_GRANTS: Readonly<Record<ConsoleRole, { permissions: readonly Permission[]; scope: DataScopeCode }>> = {
  admin: { permissions: PERMISSIONS, scope: "all" },
  leader: {
    permissions: [...reads.filter((p) => p !== "audit:read"), "hazards:write", "callouts:write", "duty:write"],
    scope: "unit_and_below",
  },
  staff: {
    // directory:write within their scope: a town's staff keep their town's people, units and enterprises.
    permissions: ["dashboard:read", "hazards:read", "hazards:write", "inspections:read", "inspections:write", "callouts:read", "callouts:write", "duty:read", "directory:read", "directory:write", "quotas:read"],
    scope: "unit_and_below",
  },
  // Tips carry no unit (a tipster names a place, not a district); the officer handles the county's.
  tip_officer: { permissions: ["dashboard:read", "tips:read", "tips:write", "tips:reveal", "hazards:read"], scope: "all" },
  readonly: { permissions: reads.filter((p) => p !== "tips:read" && p !== "audit:read" && p !== "settings:read"), scope: "unit_and_below" },
};

/** The directory roles that make each console role, in precedence order (the first held is a person's main role). */
const FROM_DIRECTORY: readonly [ConsoleRole, readonly RoleCode[]][] = [
  ["admin", ["admin"]],
  ["leader", ["chief", "deputy_leader", "duty_leader"]],
  ["tip_officer", ["tip_officer"]],
  ["staff", ["inspector", "enforcer", "grid_member", "village_cadre", "dept_supervisor", "admin_owner", "duty_officer", "enterprise_owner"]],
];

/** The console roles a person's directory roles give, main role first. */
export function consoleRolesOf(person: Pick<Person, "roles">): ConsoleRole[] {
  return FROM_DIRECTORY.filter(([, from]) => person.roles.some((r) => from.includes(r))).map(([role]) => role);
}

/**
 * The default scope of a person's main role. Someone who is only an enterprise's responsible
 * person sees only what concerns them (仅本人), never their town's.
 */
export function defaultScopeOf(person: Pick<Person, "roles">, role: ConsoleRole): DataScopeCode {
  if (role === "staff" && person.roles.every((r) => r === "enterprise_owner")) return "self";
  return ROLE_GRANTS[role].scope;
}

/** Every permission of the given roles. */
export function permissionsOf(roles: readonly ConsoleRole[]): Permission[] {
  const held = new Set<Permission>(roles.flatMap((r) => ROLE_GRANTS[r].permissions));
  return PERMISSIONS.filter((p) => held.has(p));
}
