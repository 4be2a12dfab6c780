import type { EntityManager } from "typeorm";
import { OutboxDelivery, OutboxMessage } from "../../db/entities";
import { chunks } from "../kernel/escalation";
import { sourceOf } from "./vocabulary";

/**
 * Where a person's 叫应 card stands at the platform — what the board must not gloss over:
 * delivered (the platform accepted it), pending (queued or being retried), failed (refused,
 * given up, or the person has no account).
 */
export type CardDelivery = "delivered" | "pending" | "failed";

/** The outbox messages that carry a campaign's cards (steps.ts sendBatch's keys). */
const cardKeys = (calloutId: number) => `callout:${calloutId}:send:%`;

interface CardRow {
  personId: number | null;
  status: OutboxDelivery["status"];
  giveUpAt: Date | null;
}

function cardRows(tx: EntityManager, calloutId: number) {
  return tx
    .createQueryBuilder(OutboxDelivery, "d")
    .select(["d.personId", "d.status", "d.giveUpAt"])
    .innerJoin(OutboxMessage, "m", "m.id = d.message_id")
    .where("m.source = :source", { source: sourceOf(calloutId) })
    .andWhere("m.idempotency_key LIKE :keys", { keys: cardKeys(calloutId) })
    .andWhere("d.person_id IS NOT NULL");
}

/** Each person's card: delivered if any copy was accepted, else pending if one is still on its way, else failed. */
export async function cardDeliveries(tx: EntityManager, calloutId: number): Promise<Map<number, CardDelivery>> {
  const rows: CardRow[] = await cardRows(tx, calloutId).getMany();
  const rank: Record<CardDelivery, number> = { failed: 0, pending: 1, delivered: 2 };
  const found = new Map<number, CardDelivery>();
  for (const r of rows) {
    const d = deliveryOf(r.status);
    if (d === null || r.personId === null) continue;
    const was = found.get(r.personId);
    if (was === undefined || rank[d] > rank[was]) found.set(r.personId, d);
  }
  return found;
}

function deliveryOf(status: OutboxDelivery["status"]): CardDelivery | null {
  if (status === "sent") return "delivered";
  if (status === "pending" || status === "sending") return "pending";
  if (status === "cancelled") return null;
  return "failed";
}

/**
 * The people a campaign's card did not reach: refused, failed for good, or still queued at its
 * give-up time (the deadline) — unless another copy of their card got through. Reads only the
 * undelivered rows, so a tick of a large campaign does not scan every card.
 */
export async function unreachedPeople(tx: EntityManager, calloutId: number, now: Date): Promise<number[]> {
  const lost: CardRow[] = await cardRows(tx, calloutId)
    .andWhere("(d.status IN ('invalid', 'failed') OR (d.status = 'pending' AND d.give_up_at IS NOT NULL AND d.give_up_at <= :now))", { now })
    .getMany();
  const people = [...new Set(lost.map((r) => r.personId as number))];
  if (people.length === 0) return [];
  const reached = new Set<number>();
  for (const part of chunks(people)) {
    const got: CardRow[] = await cardRows(tx, calloutId).andWhere("d.status IN ('sent', 'sending')").andWhere("d.person_id IN (:...part)", { part }).getMany();
    for (const r of got) reached.add(r.personId as number);
  }
  return people.filter((p) => !reached.has(p));
}
