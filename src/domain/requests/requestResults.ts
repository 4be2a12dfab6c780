import type { EntityManager } from "typeorm";
import { RequestResult } from "../../db/entities";

/**
 * Makes a creating verb idempotent by a request key (e.g. the inbound chat event that asked for it):
 * the verb looks for an earlier result first, and records its own in its transaction, so a request
 * replayed after a later step failed finds what it already created instead of creating it twice.
 * Without a key both are no-ops: callers that need no idempotency pass none.
 */

/** The id an earlier request under `key` created, if any (`kind` guards against a reused key). */
export async function earlierResult(manager: EntityManager, key: string | undefined, kind: string): Promise<number | null> {
  if (!key) return null;
  const row = await manager.findOne(RequestResult, { where: { requestKey: key } });
  return row && row.kind === kind ? row.resultId : null;
}

/**
 * Records what the request created, in the verb's own transaction. Two runs of one request at once:
 * the second's primary key collides and its whole transaction rolls back.
 */
export async function recordResult(tx: EntityManager, key: string | undefined, kind: string, resultId: number, at: Date): Promise<void> {
  if (!key) return;
  await tx.insert(RequestResult, { requestKey: key, kind, resultId, createdAt: at });
}
