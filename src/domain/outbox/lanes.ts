/**
 * The outbox's vocabulary: lanes (who goes first) and delivery states. Plain values, so the
 * entities, the domain service and the worker all speak the same words.
 */

/** Priority lanes, highest first: a 叫应 callout never queues behind a digest. */
export const LANES = ["callout", "reply", "routine"] as const;
export type Lane = (typeof LANES)[number];

/** Sort key stored next to the lane, so the claim query orders by an indexed integer. */
export const LANE_PRIORITY: Readonly<Record<Lane, number>> = { callout: 0, reply: 1, routine: 2 };

/** Lanes that may be sent during quiet hours; routine traffic waits for the working day. */
export const QUIET_HOURS_LANES: readonly Lane[] = ["callout", "reply"];

/**
 * pending → sending (claimed) → sent | invalid | failed; a transient failure or a rate-limit
 * deferral goes back to pending with a later `next_attempt_at`. pending → cancelled when what
 * caused the message was withdrawn (a cancelled 叫应): the worker claims only pending rows, so a
 * cancelled one is never sent.
 */
export const DELIVERY_STATUSES = ["pending", "sending", "sent", "invalid", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** States nothing will change any more. */
export const FINAL_STATUSES: readonly DeliveryStatus[] = ["sent", "invalid", "failed", "cancelled"];

export function isLane(value: string): value is Lane {
  return (LANES as readonly string[]).includes(value);
}
