import { type EntityManager, In } from "typeorm";
import { isMysqlFamily } from "../../../db/dialect";
import { EscalationStep } from "../../../db/entities";
import { chunks } from "./runs";
import type { CaseKind, StepOutcome } from "./vocabulary";
import { WHOLE_CASE } from "./vocabulary";

/** A step row to write. */
export interface StepRow {
  escalationId: number;
  caseKind: CaseKind;
  caseId: number;
  /** The case's recipient row, or WHOLE_CASE. */
  recipientId?: number;
  step: string;
  outcome?: StepOutcome;
  targetPersonId?: number | null;
}

/**
 * Claims steps by inserting their rows, in multi-row statements of ≤ 500. Call it in the
 * transaction that enqueues the steps' messages: if another tick or instance took any of them
 * first, the unique key fails here and the whole transaction — messages included — rolls back.
 */
export async function claimSteps(tx: EntityManager, rows: readonly StepRow[], now: Date): Promise<void> {
  for (const part of chunks(rows)) {
    const values = part.map((r) => ({
      escalationId: r.escalationId,
      caseKind: r.caseKind,
      caseId: r.caseId,
      recipientId: r.recipientId ?? WHOLE_CASE,
      step: r.step,
      takenAt: now,
      outcome: r.outcome ?? ("sent" as const),
      targetPersonId: r.targetPersonId ?? null,
    }));
    await tx.createQueryBuilder().insert().into(EscalationStep).values(values).updateEntity(false).execute();
  }
}

/**
 * The steps already taken by the given runs. On MySQL/MariaDB a locking read, which sees the
 * latest commits rather than the transaction's snapshot: what another instance took just before
 * counts as taken.
 */
export async function takenSteps(tx: EntityManager, runIds: readonly number[]): Promise<EscalationStep[]> {
  const out: EscalationStep[] = [];
  for (const part of chunks(runIds)) {
    out.push(...(await tx.find(EscalationStep, { where: { escalationId: In(part) }, lock: isMysqlFamily(tx) ? { mode: "pessimistic_read" } : undefined })));
  }
  return out;
}

/** Every step of a case, oldest first: its escalation history across runs. */
export function stepsOfCase(manager: EntityManager, kind: CaseKind, caseId: number): Promise<EscalationStep[]> {
  return manager.find(EscalationStep, { where: { caseKind: kind, caseId }, order: { takenAt: "ASC", id: "ASC" } });
}
