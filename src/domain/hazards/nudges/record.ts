import type { EntityManager } from "typeorm";
import { Hazard, type Person } from "../../../db/entities";
import { claimSteps as claimOnEngine } from "../../kernel/escalation";
import { appendLedger } from "../ledger";
import type { Audience } from "./audience";
import { daysOverdue, nudgeStepLabels } from "./ladder";
import type { PlannedStep } from "./plan";

/**
 * Claims the planned steps by inserting their unique step rows on the engine. Another transaction
 * that claimed one of them first makes this insert fail (or wait, then fail), and the whole tick
 * rolls back.
 */
export async function claimSteps(tx: EntityManager, planned: readonly PlannedStep[], now: Date): Promise<void> {
  const rows = planned.map((p) => ({ escalationId: p.run.id, caseKind: "hazard" as const, caseId: p.hazard.id, step: p.due.step, outcome: p.due.send ? ("sent" as const) : ("skipped" as const) }));
  await claimOnEngine(tx, rows, now);
}

/**
 * 挂牌督办 sets the hazard's flag (bumping its version, so a concurrent edit made from the old
 * copy is refused rather than silently undoing it); returns whether the flag changed.
 */
export async function listForSupervision(tx: EntityManager, hazardId: number, now: Date): Promise<boolean> {
  const result = await tx
    .createQueryBuilder()
    .update(Hazard)
    .set({ listedForSupervision: true, updatedAt: now })
    .where("id = :id AND listed_for_supervision = :listed", { id: hazardId, listed: false })
    .execute();
  return (result.affected ?? 0) > 0;
}

/**
 * Writes each step's ledger line (`nudge:<step>`, no state change), and lists hazards that reached
 * 挂牌督办.
 */
export async function recordSteps(tx: EntityManager, planned: readonly PlannedStep[], audience: Audience, now: Date): Promise<void> {
  const names = new Map(audience.people().map((p: Person) => [p.id, p.name]));
  for (const p of planned) {
    const listed = p.due.step === "listed" ? await listForSupervision(tx, p.hazard.id, now) : false;
    const who = audience.recipientsOf(p.audience, p.hazard).map((id) => names.get(id) ?? `#${id}`);
    await appendLedger(tx, {
      hazardId: p.hazard.id,
      at: now,
      actorId: null,
      action: `nudge:${p.due.step}`,
      reason: reasonOf(p, who, now),
      changes: listed ? { before: { listedForSupervision: false }, after: { listedForSupervision: true } } : null,
    });
  }
}

/** The ledger's words for one step: what was sent to whom, or why nothing was. */
function reasonOf(p: PlannedStep, who: readonly string[], now: Date): string {
  const label = nudgeStepLabels[p.due.step];
  const days = daysOverdue(p.deadline, now);
  const when = days < 0 ? "整改时限将至" : days === 0 ? "已到整改时限" : `逾期 ${days} 天`;
  if (!p.due.send) return `${when}，${label}已由提醒单替代，未单独发送`;
  if (who.length === 0) return `${when}，${label}无可通知的人员，未发送`;
  return `${when}，已向${who.join("、")}发送${label}`;
}
