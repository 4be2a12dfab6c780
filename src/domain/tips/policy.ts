import type { Person } from "../../db/entities";
import { Forbidden } from "../../errors";
import { roles } from "../org/vocabulary";
import type { TipSource } from "./vocabulary";

/** The only role that sees who tipped, accepts tips and decides rewards (举报受理人员). */
export const TIP_OFFICER = "tip_officer" as const;

export const isTipOfficer = (person: Pick<Person, "roles" | "active">): boolean => person.active && person.roles.includes(TIP_OFFICER);

/** Staff: anyone holding a role besides an enterprise's own responsible person. */
export const isStaff = (person: Pick<Person, "roles">): boolean => person.roles.some((r) => r !== "enterprise_owner");

/** Someone in the directory tips as staff, or as an enterprise's insider (吹哨人). */
export const sourceOf = (person: Pick<Person, "roles">): TipSource => (isStaff(person) ? "staff" : "employee");

/** Who approves a reward: the unit's leaders, not the officer who proposed it. */
export const REWARD_APPROVERS = ["chief", "deputy_leader"] as const;

export const isRewardApprover = (person: Pick<Person, "roles" | "active">): boolean => person.active && person.roles.some((r) => (REWARD_APPROVERS as readonly string[]).includes(r));

/** Refuses (403) anyone who may not approve a reward. */
export function requireRewardApprover(person: Pick<Person, "roles" | "active">): void {
  if (!person.active) throw Forbidden("该人员已停用，不能办理举报", "person_inactive");
  if (!isRewardApprover(person)) throw Forbidden(`只有${REWARD_APPROVERS.map((r) => roles.label(r)).join("或")}可以审批举报奖励`, "tip_reward_approver_only");
}

/** Refuses (403) anyone who is not an active tip officer. */
export function requireTipOfficer(person: Pick<Person, "roles" | "active">, what: string): void {
  if (!person.active) throw Forbidden("该人员已停用，不能办理举报", "person_inactive");
  if (!isTipOfficer(person)) throw Forbidden(`只有${roles.label(TIP_OFFICER)}可以${what}`, "tip_officer_only");
}
