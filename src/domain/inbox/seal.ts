import type { EntityManager } from "typeorm";
import { InboundEventRow } from "../../db/entities";

/**
 * What a sealed row holds instead of the event. A sealed row's turn has committed (the seal is
 * written in the turn's own transaction), so the redrive finishes it without running it again.
 */
export const SEALED_PAYLOAD = JSON.stringify({ sealed: true });

/** Whether the row's event was sealed by its confidential turn. */
export function isSealed(row: Pick<InboundEventRow, "payload">): boolean {
  return row.payload === SEALED_PAYLOAD;
}

/**
 * Forgets who sent an event and what it said, in the caller's transaction: a 举报 conversation's
 * turns must not sit in the inbox next to the sender's account, which would name the tipster the
 * sealed tip protects. The row itself stays (its key still de-duplicates a platform's redelivery);
 * only the sender, the payload and any error text quoting it are blanked.
 */
export async function sealInboundEvent(tx: EntityManager, event: { channel: string; eventId: string }): Promise<void> {
  await tx
    .createQueryBuilder()
    .update(InboundEventRow)
    .set({ senderId: "", payload: SEALED_PAYLOAD, lastError: null })
    .where("channel = :channel AND event_key = :key", { channel: event.channel, key: event.eventId })
    .execute();
}
