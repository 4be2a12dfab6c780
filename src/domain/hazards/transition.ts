import type { EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Hazard, type Person } from "../../db/entities";
import { Conflict, NotFound } from "../../errors";
import { diffFields } from "../audit/auditLog";
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

/**
 * Runs one change in one transaction: load, check the version the caller saw, ask the state
 * machine, apply the guards, compare-and-set on the version column, write the ledger line and
 * whatever `after` adds (notices). Two people acting at once: the second finds the version moved
 * and gets 409 `hazard_changed_concurrently`; nothing of theirs is written.
 */
export async function applyChange(db: Database, clock: Clock, hazardId: number, spec: ChangeSpec): Promise<Hazard> {
  requireActionRole(spec.actor, spec.action);
  return db.transaction(async (tx) => {
    const before = await tx.findOne(Hazard, { where: { id: hazardId } });
    if (!before) throw NotFound("该隐患", "hazard_not_found");
    if (spec.expectedVersion !== undefined && spec.expectedVersion !== before.version) throw changedConcurrently();
    const to = nextState(machineOf(before), spec.action);
    await spec.guard?.(before, tx);
    const now = clock.now();
    const fields: Partial<Hazard> = { ...(await spec.patch?.(before, tx)), state: to };
    const result = await tx
      .createQueryBuilder()
      .update(Hazard)
      .set({ ...fields, updatedAt: now, version: () => "version + 1" })
      .where("id = :id AND version = :version", { id: hazardId, version: before.version })
      .execute();
    if (!result.affected) throw changedConcurrently();
    const after = await tx.findOneOrFail(Hazard, { where: { id: hazardId } });
    const changes = diffFields(before, fields);
    await appendLedger(tx, {
      hazardId,
      at: now,
      actorId: spec.actor.id,
      action: spec.action,
      fromState: before.state,
      toState: after.state,
      reason: (typeof spec.reason === "function" ? spec.reason() : spec.reason) ?? null,
      changes: Object.keys(changes.after).length ? changes : null,
    });
    await spec.after?.(tx, after, before);
    return after;
  });
}

/** 409: someone else changed the hazard between the caller's read and this change. */
export function changedConcurrently() {
  return Conflict("该隐患刚被他人修改，请刷新后重试", "hazard_changed_concurrently");
}
