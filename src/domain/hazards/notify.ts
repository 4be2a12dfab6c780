import type { EntityManager } from "typeorm";
import { In } from "typeorm";
import type { ChannelId, OutboundMessage } from "../../channels/channel";
import { Person } from "../../db/entities";
import { type Lane, type OutboxService, resolveRecipients } from "../outbox";
import type { HazardLevel } from "./vocabulary";

/** One notice about a hazard, written to the outbox in the transaction of the change. */
export interface HazardNotice {
  hazardId: number;
  /** `report`, `assign`, `submit` …: part of the idempotency key. */
  action: string;
  /** The hazard's version after the change: one notice per action per version, ever. */
  version: number;
  /** The hazard's level now: notices about a 重大隐患 go out at once, at any hour. */
  level: HazardLevel;
  text: string;
  /** What goes out instead of `text`, e.g. the new-hazard card with its buttons. */
  message?: OutboundMessage;
  /** People to tell; nulls and repeats are dropped. */
  to: readonly (number | null | undefined)[];
}

/** Resolves the people's accounts and enqueues the notice; nobody to tell is not an error. */
export async function notifyHazard(tx: EntityManager, outbox: Pick<OutboxService, "enqueue">, channels: readonly ChannelId[], notice: HazardNotice): Promise<void> {
  const ids = [...new Set(notice.to.filter((id): id is number => typeof id === "number"))];
  if (ids.length === 0) return;
  const people = await tx.find(Person, { where: { id: In(ids) }, order: { id: "ASC" } });
  if (people.length === 0) return;
  await outbox.enqueue(tx, {
    idempotencyKey: noticeKey(notice.hazardId, notice.action, notice.version),
    lane: laneOf(notice.level),
    message: notice.message ?? { kind: "text", text: notice.text },
    recipients: await resolveRecipients(tx, people, channels),
    source: `hazard:${notice.hazardId}`,
  });
}

/**
 * A 重大隐患 cannot wait for the morning, so everything about one rides the `callout` lane, which
 * quiet hours do not hold; routine hazards' notices wait out quiet hours like other routine mail.
 */
export function laneOf(level: HazardLevel): Lane {
  return level === "major" ? "callout" : "routine";
}

/** The idempotency key of a hazard notice, so the chat can tell when that notice goes out. */
export function noticeKey(hazardId: number, action: string, version: number): string {
  return `hazard:${hazardId}:${action}:v${version}`;
}
