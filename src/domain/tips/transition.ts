import type { EntityManager } from "typeorm";
import { type Person, Tip } from "../../db/entities";
import { Conflict, NotFound } from "../../errors";
import { appendAudit, diffFields } from "../audit/auditLog";
import { nextTipState } from "./stateMachine";
import type { TipServiceDeps } from "./types";
import type { TipAction } from "./vocabulary";

/** One change to a tip, described for `applyTipChange`. */
export interface TipChangeSpec {
  action: TipAction;
  actor: Person;
  expectedVersion?: number;
  /** Who may, for this tip (roles, being its handler), checked after the machine agreed. */
  guard: (tip: Tip, tx: EntityManager) => Promise<void> | void;
  /** The fields the action sets (besides state and updatedAt). */
  patch?: (tip: Tip, tx: EntityManager) => Promise<Partial<Tip>> | Partial<Tip>;
  /** Notices, in the same transaction. */
  after?: (tx: EntityManager, tip: Tip, before: Tip) => Promise<void>;
}

/**
 * Runs one change in one transaction: load, apply the guard, check the version the caller saw,
 * ask the state machine, compare-and-set on the version, and write the audit line (who, what
 * changed; the reporter's columns are never patched, so never in it). The guard runs first, so
 * someone who may not act on the tip learns nothing of its state.
 */
export async function applyTipChange(deps: Pick<TipServiceDeps, "db" | "clock">, tipId: number, spec: TipChangeSpec): Promise<Tip> {
  return deps.db.transaction(async (tx) => {
    const before = await tx.findOne(Tip, { where: { id: tipId } });
    if (!before) throw tipNotFound();
    await spec.guard(before, tx);
    if (spec.expectedVersion !== undefined && spec.expectedVersion !== before.version) throw tipChangedConcurrently();
    const to = nextTipState(before, spec.action);
    const now = deps.clock.now();
    const fields: Partial<Tip> = { ...(await spec.patch?.(before, tx)), state: to };
    const result = await tx
      .createQueryBuilder()
      .update(Tip)
      .set({ ...fields, updatedAt: now, version: () => "version + 1" })
      .where("id = :id AND version = :version", { id: tipId, version: before.version })
      .execute();
    if (!result.affected) throw tipChangedConcurrently();
    const after = await tx.findOneOrFail(Tip, { where: { id: tipId } });
    const changes = diffFields(before, fields);
    await appendAudit(tx, { at: now, actor: `person:${spec.actor.id}`, action: `tip.${spec.action}`, entityType: "tip", entityId: tipId, before: changes.before, after: changes.after });
    await spec.after?.(tx, after, before);
    return after;
  });
}

export const tipNotFound = () => NotFound("该举报", "tip_not_found");

/** 409: someone else changed the tip between the caller's read and this change. */
export const tipChangedConcurrently = () => Conflict("该举报刚被他人办理，请刷新后重试", "tip_changed_concurrently");
