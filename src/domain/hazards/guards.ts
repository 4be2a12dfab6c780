import type { EntityManager } from "typeorm";
import { Hazard, HazardLedgerEntry, Person } from "../../db/entities";
import { Forbidden, Invalid, NotFound, type FieldProblem } from "../../errors";
import { ASSIGNER_ROLES, holdsRole, VERIFIER_ROLES } from "./policy";
import type { AssignInput } from "./types";

/** Everyone who rectified the hazard: its owner and whoever submitted rectification for it. */
export async function rectifiersOf(tx: EntityManager, hazard: Hazard): Promise<Set<number>> {
  const submits = await tx.find(HazardLedgerEntry, { where: { hazardId: hazard.id, action: "submit" } });
  const ids = submits.map((e) => e.actorId).filter((id): id is number => id !== null);
  return new Set(hazard.ownerId === null ? ids : [hazard.ownerId, ...ids]);
}

/** 复查 is independent: whoever rectified may not verify or reject their own work. */
export async function requireNotRectifier(tx: EntityManager, hazard: Hazard, actor: Person): Promise<void> {
  if ((await rectifiersOf(tx, hazard)).has(actor.id)) throw Forbidden("复查人不能是整改责任人或整改反馈人", "hazard_verifier_is_rectifier");
}

/** Only the responsible person reports their own rectification. */
export function requireOwner(hazard: Hazard, actor: Person): void {
  if (hazard.ownerId !== actor.id) throw Forbidden("只有该隐患的整改责任人可以提交整改反馈", "hazard_not_owner");
}

/** Rectification starts by the owner, or by the supervising side on their behalf. */
export function requireOwnerOrAssigner(hazard: Hazard, actor: Person): void {
  if (hazard.ownerId !== actor.id && !holdsRole(actor, ASSIGNER_ROLES)) throw Forbidden("只有整改责任人或交办人员可以开始整改", "hazard_not_owner");
}

/** A reason that is really there, for rejecting, reopening and extending. */
export function requireReason(reason: string | undefined | null, field = "reason"): string {
  const text = reason?.trim() ?? "";
  if (!text) throw Invalid("请填写原因", [{ where: field, message: "不能为空" }], "hazard_reason_required");
  return text;
}

/** An active person by id, or a 400 naming the field. */
export async function activePersonFor(tx: EntityManager, id: number, field: string): Promise<Person> {
  const person = await tx.findOne(Person, { where: { id } });
  if (!person) throw NotFound("该人员", "person_not_found");
  if (!person.active) throw Invalid(`${person.name} 已停用`, [{ where: field, message: "人员已停用" }], "person_inactive");
  return person;
}

/** The 五落实 of an assignment; a 重大隐患 needs all five, any hazard needs a future deadline. */
export function checkFivePoints(hazard: Hazard, input: AssignInput, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const blank = (v: string | null | undefined) => !v || !v.trim();
  if (!input.deadline) problems.push({ where: "deadline", message: "请填写整改时限" });
  else if (input.deadline.getTime() <= now.getTime()) problems.push({ where: "deadline", message: "整改时限须晚于当前时间" });
  if (hazard.level === "major") {
    if (!(input.ownerId ?? hazard.ownerId)) problems.push({ where: "ownerId", message: "重大隐患须落实整改责任人" });
    if (blank(input.measures)) problems.push({ where: "measures", message: "重大隐患须落实整改措施" });
    if (blank(input.funds)) problems.push({ where: "funds", message: "重大隐患须落实整改资金" });
    if (blank(input.contingencyPlan)) problems.push({ where: "contingencyPlan", message: "重大隐患须落实应急预案" });
  }
  return problems;
}

/** The designated verifier: the one asked for, else the supervisor or the assigner when they may verify; never the owner. */
export async function chooseVerifier(tx: EntityManager, hazard: Hazard, ownerId: number, actor: Person, asked: number | null | undefined): Promise<number | null> {
  if (asked) {
    const person = await activePersonFor(tx, asked, "verifierId");
    if (person.id === ownerId) throw Invalid("复查人不能是整改责任人", [{ where: "verifierId", message: "复查人不能是整改责任人" }], "hazard_verifier_is_rectifier");
    if (!holdsRole(person, VERIFIER_ROLES)) throw Invalid(`${person.name} 不具备复查权限`, [{ where: "verifierId", message: "需为监管人员、执法队员或行业部门监管负责人" }], "hazard_verifier_role");
    return person.id;
  }
  const supervisor = hazard.supervisorId ? await tx.findOne(Person, { where: { id: hazard.supervisorId } }) : null;
  for (const candidate of [supervisor, actor]) {
    if (candidate?.active && candidate.id !== ownerId && holdsRole(candidate, VERIFIER_ROLES)) return candidate.id;
  }
  return null;
}
