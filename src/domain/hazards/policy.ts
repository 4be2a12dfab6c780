import type { Person } from "../../db/entities";
import { Forbidden } from "../../errors";
import { type RoleCode, roles } from "../org/vocabulary";
import type { HazardAction } from "./stateMachine";

/** Staff who may report a hazard or fix one on the spot (everyone but an enterprise's own person). */
export const STAFF_ROLES: readonly RoleCode[] = roles.codes.filter((r) => r !== "enterprise_owner");

/** Who may 交办, 销号 and reopen: the supervising side and the leaders. */
export const ASSIGNER_ROLES: readonly RoleCode[] = ["inspector", "enforcer", "dept_supervisor", "admin_owner", "deputy_leader", "chief"];

/** Who may 复查 (verify or reject). */
export const VERIFIER_ROLES: readonly RoleCode[] = ["inspector", "enforcer", "dept_supervisor"];

/** Who signs off a 重大隐患 before it is closed. */
export const LEADER_ROLES: readonly RoleCode[] = ["deputy_leader", "chief"];

/** Who may approve a deadline extension. */
export const APPROVER_ROLES: readonly RoleCode[] = ["dept_supervisor", "admin_owner", "deputy_leader", "chief"];

/**
 * The roles that may attempt each action; the service adds the person-specific rules (only the
 * owner submits, the verifier is not the rectifier). Routes use the same table for their 403s.
 */
export const ACTION_ROLES: Record<HazardAction | "report", readonly RoleCode[]> = {
  report: roles.codes,
  assign: ASSIGNER_ROLES,
  start: roles.codes,
  submit: roles.codes,
  verify: VERIFIER_ROLES,
  reject: VERIFIER_ROLES,
  close: ASSIGNER_ROLES,
  signoff: LEADER_ROLES,
  fix_on_spot: STAFF_ROLES,
  reopen: ASSIGNER_ROLES,
  extend: ASSIGNER_ROLES,
  transfer: ASSIGNER_ROLES,
};

/** True when `person` holds one of `allowed`. */
export function holdsRole(person: Pick<Person, "roles">, allowed: readonly RoleCode[]): boolean {
  return person.roles.some((r) => allowed.includes(r));
}

/** Refuses (403 `forbidden`) a person holding none of the roles the action needs. */
export function requireActionRole(person: Pick<Person, "roles" | "active">, action: HazardAction | "report"): void {
  if (!person.active) throw Forbidden("该人员已停用，不能办理隐患", "person_inactive");
  const allowed = ACTION_ROLES[action];
  if (!holdsRole(person, allowed)) throw Forbidden(`没有权限：需要以下角色之一：${allowed.map((r) => roles.label(r)).join("、")}`);
}
