import type { Person } from "../../db/entities";
import { Forbidden } from "../../errors";
import { holdsRole, STAFF_ROLES } from "../hazards/policy";
import { type RoleCode, roles } from "../org/vocabulary";

/**
 * Who checks in at enterprises: the supervising staff, grid members and village cadres on patrol,
 * and the leaders who must inspect themselves ("日周月", 2 enterprises a month). Administrators,
 * duty officers and tip officers keep the office; an enterprise's own responsible person is the
 * one being inspected.
 */
export const INSPECTING_ROLES: readonly RoleCode[] = ["inspector", "enforcer", "grid_member", "village_cadre", "dept_supervisor", "admin_owner", "deputy_leader", "chief", "duty_leader"];

/** Who may read the check-in records: the supervising side, never an enterprise (明察暗访 stay unannounced). */
export const INSPECTION_READER_ROLES: readonly RoleCode[] = STAFF_ROLES;

/** True when `person` may check in (active, holding an inspecting role). */
export function mayInspect(person: Pick<Person, "roles" | "active">): boolean {
  return person.active && holdsRole(person, INSPECTING_ROLES);
}

/** Refuses (403) anyone who may not check in, saying which roles may. */
export function requireInspector(person: Pick<Person, "roles" | "active">): void {
  if (!person.active) throw Forbidden("该人员已停用，不能巡查打卡", "person_inactive");
  if (!holdsRole(person, INSPECTING_ROLES)) {
    throw Forbidden(`没有权限巡查打卡：需要以下角色之一：${INSPECTING_ROLES.map((r) => roles.label(r)).join("、")}`, "inspection_forbidden");
  }
}

/** Refuses (403) anyone outside the supervising staff. */
export function requireReader(person: Pick<Person, "roles" | "active">): void {
  if (!person.active || !holdsRole(person, INSPECTION_READER_ROLES)) throw Forbidden("没有权限查看巡查记录", "inspection_forbidden");
}
