import type { EntityManager } from "typeorm";
import { HazardLedgerEntry } from "../../db/entities";
import type { HazardState } from "./vocabulary";

/** What one ledger line records. */
export interface LedgerRecord {
  hazardId: number;
  at: Date;
  /** The person who acted; null for the system (nudges, escalations). */
  actorId: number | null;
  action: string;
  fromState?: HazardState | null;
  toState?: HazardState | null;
  /** Why, in the actor's words (required for rejecting and reopening). */
  reason?: string | null;
  changes?: { before: object; after: object } | null;
}

/** Appends to a hazard's ledger inside the caller's transaction; the ledger has no update or delete. */
export async function appendLedger(tx: EntityManager, record: LedgerRecord): Promise<void> {
  await tx.insert(HazardLedgerEntry, {
    hazardId: record.hazardId,
    at: record.at,
    actorId: record.actorId,
    action: record.action,
    fromState: record.fromState ?? null,
    toState: record.toState ?? null,
    reason: record.reason ?? null,
    changes: record.changes ? JSON.stringify(record.changes) : null,
  });
}

/** A hazard's ledger, oldest first: the timeline of its detail view. */
export function ledgerOf(manager: EntityManager, hazardId: number): Promise<HazardLedgerEntry[]> {
  return manager.find(HazardLedgerEntry, { where: { hazardId }, order: { at: "ASC", id: "ASC" } });
}
