import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { OutboxDelivery, OutboxMessage } from "../../db/entities";
import type { DeliveryStatus, Lane } from "./lanes";

/** A delivery as other features see it: where one recipient's copy of a message stands. */
export interface DeliveryView {
  id: number;
  messageId: number;
  channel: ChannelId | null;
  recipient: string;
  personId: number | null;
  lane: Lane;
  status: DeliveryStatus;
  /** What it means for the feature that sent it (see `outcomeOf`). */
  outcome: DeliveryOutcome;
  attempts: number;
  nextAttemptAt: Date;
  platformMessageId: string | null;
  /** WeChat Work's card `response_code`, to update the card this recipient holds. */
  responseCode: string | null;
  errorCode: string | null;
  error: string | null;
  sentAt: Date | null;
  /** Retried until then (see EnqueueRequest.giveUpAt); null: bounded by the attempt count. */
  giveUpAt: Date | null;
}

/**
 * pending: still on its way; sent: the platform accepted it; unreachable: the person cannot get it
 * on any messenger (unknown to the platform, no account, inactive, channel off) — try another way;
 * failed: the platform kept refusing or erroring; cancelled: withdrawn before it was sent.
 */
export type DeliveryOutcome = "pending" | "sent" | "unreachable" | "failed" | "cancelled";

const UNREACHABLE_CODES = new Set(["no_account", "inactive", "channel_disabled"]);

export function outcomeOf(status: DeliveryStatus, errorCode: string | null): DeliveryOutcome {
  if (status === "pending" || status === "sending") return "pending";
  if (status === "sent") return "sent";
  if (status === "invalid") return "unreachable";
  if (status === "cancelled") return "cancelled";
  return errorCode !== null && UNREACHABLE_CODES.has(errorCode) ? "unreachable" : "failed";
}

/** The deliveries of one message, in the order they were written. */
export async function deliveriesOfMessage(manager: EntityManager, messageId: number): Promise<DeliveryView[]> {
  const rows = await manager.find(OutboxDelivery, { where: { messageId }, order: { id: "ASC" } });
  return rows.map(toView);
}

/** Narrows `deliveriesOfSource`, e.g. to the refusals a feature reacts to. */
export interface SourceFilter {
  statuses?: readonly DeliveryStatus[];
}

/** The deliveries of every message a source caused (e.g. `callout:7`), oldest message first. */
export async function deliveriesOfSource(manager: EntityManager, source: string, filter: SourceFilter = {}): Promise<DeliveryView[]> {
  const query = manager
    .createQueryBuilder(OutboxDelivery, "d")
    .innerJoin(OutboxMessage, "m", "m.id = d.message_id")
    .where("m.source = :source", { source })
    .orderBy("d.message_id", "ASC")
    .addOrderBy("d.id", "ASC");
  if (filter.statuses) {
    if (filter.statuses.length === 0) return [];
    query.andWhere("d.status IN (:...statuses)", { statuses: [...filter.statuses] });
  }
  return (await query.getMany()).map(toView);
}

/** Counts by outcome, e.g. for "3 of 5 reached" on a callout. */
export function summarize(deliveries: readonly DeliveryView[]): Record<DeliveryOutcome, number> {
  const counts: Record<DeliveryOutcome, number> = { pending: 0, sent: 0, unreachable: 0, failed: 0, cancelled: 0 };
  for (const d of deliveries) counts[d.outcome] += 1;
  return counts;
}

function toView(d: OutboxDelivery): DeliveryView {
  return {
    id: d.id,
    messageId: d.messageId,
    channel: d.channel,
    recipient: d.recipient,
    personId: d.personId,
    lane: d.lane,
    status: d.status,
    outcome: outcomeOf(d.status, d.errorCode),
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    platformMessageId: d.platformMsgId,
    responseCode: d.responseCode,
    errorCode: d.errorCode,
    error: d.lastError,
    sentAt: d.sentAt,
    giveUpAt: d.giveUpAt,
  };
}
