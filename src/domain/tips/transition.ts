import type { EntityManager } from "typeorm";
import { type Person, Tip } from "../../db/entities";
import { Conflict, NotFound } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import { type CaseKind, transitionCase } from "../kernel/transition";
import { nextTipState } from "./stateMachine";
import type { TipServiceDeps } from "./types";
import type { TipAction } from "./vocabulary";

/** One change to a tip, described for `applyTipChange`. */
export interface TipChangeSpec {
  action: TipAction;
  actor: Person;
  expectedVersion?: number;
  /** Who may, for this tip (roles, being its handler), checked before anything else. */
  guard: (tip: Tip, tx: EntityManager) => Promise<void> | void;
  /** The fields the action sets (besides state and updatedAt). */
  patch?: (tip: Tip, tx: EntityManager) => Promise<Partial<Tip>> | Partial<Tip>;
  /** Notices, in the same transaction. */
  after?: (tx: EntityManager, tip: Tip, before: Tip) => Promise<void>;
}

export const tipNotFound = () => NotFound("该举报", "tip_not_found");

/** 409: someone else changed the tip between the caller's read and this change. */
export const tipChangedConcurrently = () => Conflict("该举报刚被他人办理，请刷新后重试", "tip_changed_concurrently");

/**
 * Tips as a numbered case: the audit log is their history (who, what changed; the reporter's
 * columns are never patched, so never in it).
 */
const tipCase: CaseKind<Tip, TipAction> = {
  entity: Tip,
  notFound: tipNotFound,
  changedConcurrently: tipChangedConcurrently,
  nextState: (tip, action) => nextTipState(tip, action),
  record: (tx, line) =>
    appendAudit(tx, { at: line.at, actor: `person:${line.actorId}`, action: `tip.${line.action}`, entityType: "tip", entityId: line.caseId, before: line.changes.before, after: line.changes.after }),
};

/**
 * Runs one change to a tip in one transaction (the kernel's `transitionCase`). The guard runs
 * first, so someone who may not act on the tip learns nothing of its state.
 */
export async function applyTipChange(deps: Pick<TipServiceDeps, "db" | "clock">, tipId: number, spec: TipChangeSpec): Promise<Tip> {
  const { actor, guard, ...change } = spec;
  return transitionCase(deps.db, deps.clock, tipCase, tipId, { ...change, authorize: guard, actorId: actor.id });
}
