import type { EntityManager } from "typeorm";
import { In } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { Person } from "../../db/entities";
import { type OutboxService, resolveRecipients } from "../outbox";

/** One notice about a hazard, written to the outbox in the transaction of the change. */
export interface HazardNotice {
  hazardId: number;
  /** `report`, `assign`, `submit` …: part of the idempotency key. */
  action: string;
  /** The hazard's version after the change: one notice per action per version, ever. */
  version: number;
  text: string;
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
    idempotencyKey: `hazard:${notice.hazardId}:${notice.action}:v${notice.version}`,
    lane: "routine",
    message: { kind: "text", text: notice.text },
    recipients: await resolveRecipients(tx, people, channels),
    source: `hazard:${notice.hazardId}`,
  });
}
