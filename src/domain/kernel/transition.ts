import type { EntityManager, EntityTarget, FindOptionsWhere } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { AppError } from "../../errors";
import { diffFields } from "../audit/auditLog";

/** What every numbered case row has: an id, a state and a version column for compare-and-set. */
export interface CaseRow {
  id: number;
  state: string;
  version: number;
  updatedAt: Date;
}

/** One line of a case's history, as `CaseKind.record` writes it. */
export interface TransitionLine<E extends CaseRow, A extends string> {
  caseId: number;
  at: Date;
  actorId: number;
  action: A;
  before: E;
  after: E;
  /** The fields the change set, before and after (state included). */
  changes: { before: Partial<E>; after: Partial<E> };
  /** Why, in the actor's words, when the change has a reason. */
  reason: string | null;
}

/** What the kernel needs to know of a kind of case (hazards, tips). */
export interface CaseKind<E extends CaseRow, A extends string> {
  entity: EntityTarget<E>;
  /** 404 for an unknown id. */
  notFound: () => AppError;
  /** 409 "刚被他人修改/办理": the version moved between the caller's read and this change. */
  changedConcurrently: () => AppError;
  /** The state machine's answer for this row (a 409 refusal when not allowed). */
  nextState: (row: E, action: A) => E["state"];
  /** Writes the history line (ledger, audit) inside the change's transaction. */
  record: (tx: EntityManager, line: TransitionLine<E, A>) => Promise<void>;
}

/** One change to an existing case. */
export interface CaseChange<E extends CaseRow, A extends string> {
  action: A;
  actorId: number;
  /** The version the caller saw, if it said. */
  expectedVersion?: number;
  /** Who may act on this case, checked before anything else, so someone who may not learns nothing of its state. */
  authorize?: (row: E, tx: EntityManager) => Promise<void> | void;
  /** Person-specific rules, checked after the state machine agreed. */
  guard?: (row: E, tx: EntityManager) => Promise<void> | void;
  /** The fields the action sets (besides state, updatedAt and version). */
  patch?: (row: E, tx: EntityManager) => Promise<Partial<E>> | Partial<E>;
  /** Why, for the history; a function when the reason is only known once `patch` has run. */
  reason?: string | null | (() => string | null);
  /** What else happens in the same transaction: photos, notices. */
  after?: (tx: EntityManager, row: E, before: E) => Promise<void>;
}

/**
 * Runs one change in one transaction: load, authorize, check the version the caller saw, ask the
 * state machine, apply the guards, compare-and-set on the version column, write the history line
 * and whatever `after` adds (notices). Two people acting at once: the second finds the version
 * moved and gets the kind's 409; nothing of theirs is written.
 */
export async function transitionCase<E extends CaseRow, A extends string>(db: Database, clock: Clock, kind: CaseKind<E, A>, id: number, change: CaseChange<E, A>): Promise<E> {
  return db.transaction(async (tx) => {
    const repo = tx.getRepository(kind.entity);
    const byId = { id } as FindOptionsWhere<E>;
    const before = await repo.findOne({ where: byId });
    if (!before) throw kind.notFound();
    await change.authorize?.(before, tx);
    if (change.expectedVersion !== undefined && change.expectedVersion !== before.version) throw kind.changedConcurrently();
    const to = kind.nextState(before, change.action);
    await change.guard?.(before, tx);
    const now = clock.now();
    const fields = { ...(await change.patch?.(before, tx)), state: to } as Partial<E>;
    const result = await tx
      .createQueryBuilder()
      .update(kind.entity)
      .set({ ...fields, updatedAt: now, version: () => "version + 1" } as QueryDeepPartialEntity<E>)
      .where("id = :id AND version = :version", { id, version: before.version })
      .execute();
    if (!result.affected) throw kind.changedConcurrently();
    const after = await repo.findOneOrFail({ where: byId });
    const reason = (typeof change.reason === "function" ? change.reason() : change.reason) ?? null;
    const changes = diffFields<E>(before, fields);
    await kind.record(tx, { caseId: id, at: now, actorId: change.actorId, action: change.action, before, after, changes, reason });
    await change.after?.(tx, after, before);
    return after;
  });
}
