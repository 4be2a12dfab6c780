import type { EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Hazard, type Person } from "../../db/entities";
import { Conflict, NotFound } from "../../errors";
import { type CaseKind, transitionCase } from "../kernel/transition";
import { appendLedger } from "./ledger";
import { requireActionRole } from "./policy";
import { type HazardAction, type MachineHazard, nextState } from "./stateMachine";

/** One change to an existing hazard, described for `applyChange`. */
export interface ChangeSpec {
  action: HazardAction;
  actor: Person;
  /** The version the caller saw, if it said. */
  expectedVersion?: number;
  /** Why, for the ledger; a function when the reason is only known once `patch` has run. */
  reason?: string | null | (() => string | null);
  /** Person-specific rules, checked after the state machine agreed. */
  guard?: (hazard: Hazard, tx: EntityManager) => Promise<void> | void;
  /** The fields the action sets (besides state and updatedAt). */
  patch?: (hazard: Hazard, tx: EntityManager) => Promise<Partial<Hazard>> | Partial<Hazard>;
  /** What else happens in the same transaction: photos, notices. */
  after?: (tx: EntityManager, hazard: Hazard, before: Hazard) => Promise<void>;
}

/** The machine's view of a hazard row. */
export function machineOf(h: Hazard): MachineHazard {
  return { state: h.state, level: h.level, signedOff: h.leaderSignoffBy !== null, assigned: h.deadline !== null };
}

/** 409: someone else changed the hazard between the caller's read and this change. */
export function changedConcurrently() {
  return Conflict("该隐患刚被他人修改，请刷新后重试", "hazard_changed_concurrently");
}

/** Hazards as a numbered case: the ledger is their history. */
const hazardCase: CaseKind<Hazard, HazardAction> = {
  entity: Hazard,
  notFound: () => NotFound("该隐患", "hazard_not_found"),
  changedConcurrently,
  nextState: (h, action) => nextState(machineOf(h), action),
  record: (tx, line) =>
    appendLedger(tx, {
      hazardId: line.caseId,
      at: line.at,
      actorId: line.actorId,
      action: line.action,
      fromState: line.before.state,
      toState: line.after.state,
      reason: line.reason,
      changes: Object.keys(line.changes.after).length ? line.changes : null,
    }),
};

/**
 * Runs one change to a hazard in one transaction (the kernel's `transitionCase`): the role check,
 * the version the caller saw, the state machine, the guards, compare-and-set, the ledger line and
 * whatever `after` adds. The second of two people acting at once gets 409 `hazard_changed_concurrently`.
 */
export async function applyChange(db: Database, clock: Clock, hazardId: number, spec: ChangeSpec): Promise<Hazard> {
  requireActionRole(spec.actor, spec.action);
  const { actor, ...change } = spec;
  return transitionCase(db, clock, hazardCase, hazardId, { ...change, actorId: actor.id });
}
