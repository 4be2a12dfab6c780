import { type EntityManager, In } from "typeorm";
import { Callout, CalloutRecipient, OrgUnit, type Person } from "../../db/entities";
import { Conflict, Forbidden, Invalid, NotFound } from "../../errors";
import { accountsOf } from "../org/accounts";
import { type AudienceRule, resolveAudience } from "./audience";
import { lockCallout } from "./lock";
import { startCalloutRun } from "./run";
import { DEFAULT_ANSWER_MINUTES, type WarningLevel, type WarningType } from "./vocabulary";

export interface DraftInput {
  title: string;
  text: string;
  warningType: WarningType;
  level: WarningLevel;
  requiresReport: boolean;
  rules: AudienceRule[];
  personIds: number[];
  /** Overrides the level's default answer window. */
  answerMinutes?: number;
  remindEveryMinutes: number;
  maxReminders: number;
}

/** Someone on a draft's list, as the initiator previews it. */
export interface PreviewRow {
  personId: number;
  name: string;
  unit: string;
  roles: string[];
  /** Has a messenger account; those without are escalated at once when sent. */
  reachable: boolean;
}

export async function createDraft(tx: EntityManager, actor: Person, input: DraftInput, now: Date, answerMinutes: Record<WarningLevel, number>): Promise<Callout> {
  const people = await resolveAudience(tx, input.rules, input.personIds);
  if (people.length === 0) throw Invalid("按所选单位和角色没有找到任何人员，请调整范围", undefined, "callout_no_recipients");
  const callout = await tx.save(
    tx.create(Callout, {
      title: input.title,
      text: input.text,
      warningType: input.warningType,
      level: input.level,
      initiatorId: actor.id,
      state: "draft",
      requiresReport: input.requiresReport,
      answerMinutes: input.answerMinutes ?? answerMinutes[input.level] ?? DEFAULT_ANSWER_MINUTES[input.level],
      remindEveryMinutes: input.remindEveryMinutes,
      maxReminders: input.maxReminders,
      createdAt: now,
      sentAt: null,
      deadlineAt: null,
      closedAt: null,
    }),
  );
  await addRows(tx, callout.id, people.map((p) => p.id));
  return callout;
}

/** Adds people (by rule or by id) and removes people, while the campaign is still a draft. */
export async function editDraft(tx: EntityManager, actor: Person, id: number, change: { rules: AudienceRule[]; add: number[]; remove: number[] }): Promise<void> {
  const c = await ownDraft(tx, actor, id);
  const adding = await resolveAudience(tx, change.rules, change.add);
  const existing = await tx.find(CalloutRecipient, { where: { calloutId: c.id }, select: { id: true, personId: true } });
  const have = new Set(existing.map((r) => r.personId));
  await addRows(tx, c.id, adding.map((p) => p.id).filter((pid) => !have.has(pid)));
  if (change.remove.length) await tx.delete(CalloutRecipient, { calloutId: c.id, personId: In(change.remove) });
}

export async function previewRows(tx: EntityManager, id: number): Promise<PreviewRow[]> {
  const rows = await tx.find(CalloutRecipient, { where: { calloutId: id }, relations: { person: true }, order: { personId: "ASC" } });
  const units = await tx.find(OrgUnit, { where: { id: In([...new Set(rows.map((r) => (r.person as Person).unitId))]) } });
  const accounts = await accountsOf(tx, rows.map((r) => r.personId));
  return rows.map((r) => {
    const p = r.person as Person;
    return { personId: p.id, name: p.name, unit: units.find((u) => u.id === p.unitId)?.name ?? "", roles: p.roles, reachable: (accounts.get(p.id)?.size ?? 0) > 0 };
  });
}

/** Draft → sent: the deadline starts now, every row is due for its card at once. */
export async function markSent(tx: EntityManager, actor: Person, id: number, now: Date): Promise<Callout> {
  const c = await ownDraft(tx, actor, id);
  const count = await tx.count(CalloutRecipient, { where: { calloutId: id } });
  if (count === 0) throw Invalid("叫应名单为空，不能发送", undefined, "callout_no_recipients");
  c.state = "sent";
  c.sentAt = now;
  c.deadlineAt = new Date(now.getTime() + c.answerMinutes * 60_000);
  await tx.save(c);
  await startCalloutRun(tx, c, now);
  await tx.update(CalloutRecipient, { calloutId: id }, { state: "pending", nextActionAt: now });
  return c;
}

async function ownDraft(tx: EntityManager, actor: Person, id: number): Promise<Callout> {
  const c = await lockCallout(tx, id);
  if (!c) throw NotFound("该叫应", "callout_not_found");
  if (c.initiatorId !== actor.id && !actor.roles.includes("admin")) throw Forbidden("只有发起人可以修改或发送该叫应", "callout_not_initiator");
  if (c.state !== "draft") throw Conflict("该叫应已发送或已结束，不能再修改名单或重复发送", "callout_not_draft");
  return c;
}

async function addRows(tx: EntityManager, calloutId: number, personIds: number[]): Promise<void> {
  for (let i = 0; i < personIds.length; i += 500) {
    const values = personIds.slice(i, i + 500).map((personId) => ({ calloutId, personId, state: "draft" as const, awaitingReport: false, remindersSent: 0, late: false, nextActionAt: null }));
    await tx.createQueryBuilder().insert().into(CalloutRecipient).values(values).updateEntity(false).execute();
  }
}
