import { type EntityManager, In, LessThanOrEqual } from "typeorm";
import { isMysqlFamily } from "../../../db/dialect";
import { Escalation } from "../../../db/entities";
import { type EscalationPolicy, serializePolicy } from "./policy";
import type { CaseKind } from "./vocabulary";

/** Rows per statement: IN lists and multi-row inserts stay far inside SQLite's and MySQL's bounds. */
export const CHUNK = 500;

export function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A run to start: the case, its anchor, the policy to copy onto it and when it first has work. */
export interface RunStart {
  caseId: number;
  anchorAt: Date;
  policy: EscalationPolicy;
  nextActionAt: Date | null;
}

/**
 * Starts runs, copying each policy onto its run. Set-based and idempotent: a case that already
 * has a run for the same anchor keeps it (INSERT IGNORE / INSERT OR IGNORE on the unique key),
 * so two instances starting the same cases neither fail nor start twice.
 */
export async function startRuns(tx: EntityManager, kind: CaseKind, starts: readonly RunStart[], now: Date): Promise<void> {
  for (const part of chunks(starts)) {
    const values = part.map((s) => ({
      caseKind: kind,
      caseId: s.caseId,
      anchorAt: s.anchorAt,
      policy: serializePolicy(s.policy),
      state: s.nextActionAt ? ("active" as const) : ("done" as const),
      nextActionAt: s.nextActionAt,
      startedAt: now,
      endedAt: s.nextActionAt ? null : now,
    }));
    await tx.createQueryBuilder().insert().into(Escalation).values(values).orIgnore().updateEntity(false).execute();
  }
}

/** Ids of the runs of a kind due at `now`, oldest due first: a plain read of the due index. */
export async function dueRunIds(manager: EntityManager, kind: CaseKind, now: Date, limit: number): Promise<number[]> {
  const rows = await manager.find(Escalation, {
    where: { caseKind: kind, nextActionAt: LessThanOrEqual(now) },
    select: { id: true },
    order: { nextActionAt: "ASC", id: "ASC" },
    take: limit,
  });
  return rows.map((r) => r.id);
}

/**
 * The given runs that are still due, locked for this transaction. On MySQL/MariaDB the batch's
 * first run is locked waiting and the rest `FOR UPDATE SKIP LOCKED`: two instances that read the
 * same batch queue on its head, so one takes the batch whole (a person gets one bundle per step,
 * not one from each instance) and the other, once it commits, finds nothing due; a run another
 * instance is taking in a different batch is skipped, never waited for. SQLite has one writer,
 * so a plain read inside the transaction is already exclusive.
 */
export async function lockDueRuns(tx: EntityManager, ids: readonly number[], now: Date): Promise<Escalation[]> {
  if (ids.length === 0) return [];
  const query = tx
    .createQueryBuilder(Escalation, "e")
    .where("e.id IN (:...ids)", { ids: [...ids] })
    .andWhere("e.state = 'active' AND e.next_action_at <= :now", { now })
    .orderBy("e.id", "ASC");
  if (!isMysqlFamily(tx)) return query.getMany();
  await tx.createQueryBuilder(Escalation, "e").select("e.id").where("e.id = :head", { head: ids[0] }).setLock("pessimistic_write").getOne();
  return query.setLock("pessimistic_write").setOnLocked("skip_locked").getMany();
}

/** The run's next work, or done when it has none left. */
export async function scheduleRun(tx: EntityManager, run: Escalation, next: Date | null, now: Date): Promise<void> {
  await tx.update(Escalation, { id: run.id }, next ? { nextActionAt: next } : { state: "done", nextActionAt: null, endedAt: now });
}

/**
 * Ends runs whose case changed since their steps were planned (answered, closed, handed in, the
 * deadline moved): the stale run's remaining steps are dropped, not sent (OnCall's stale-task check).
 */
export async function dropRuns(tx: EntityManager, ids: readonly number[], now: Date): Promise<void> {
  for (const part of chunks(ids)) await tx.update(Escalation, { id: In(part), state: "active" }, { state: "dropped", nextActionAt: null, endedAt: now });
}

/** The run of a case for one anchor, if it was started. */
export function runOf(manager: EntityManager, kind: CaseKind, caseId: number, anchorAt: Date): Promise<Escalation | null> {
  return manager.findOne(Escalation, { where: { caseKind: kind, caseId, anchorAt } });
}
