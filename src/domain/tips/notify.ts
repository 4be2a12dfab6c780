import { type EntityManager, In } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { Enterprise, Person, type Tip } from "../../db/entities";
import { activeWithRole } from "../org/people";
import { type OutboxService, resolveRecipients } from "../outbox";
import { TIP_OFFICER } from "./policy";
import type { TipFacts } from "./messages";

/** Where a tip points, in words, the same in every notice and list. */
export function placeOfTip(tip: Pick<Tip, "locationText">, enterprise: Pick<Enterprise, "name"> | null | undefined): string {
  return enterprise?.name ?? tip.locationText ?? "未注明";
}

/** The notice facts of a tip, loading its enterprise's name. */
export async function tipFactsOf(tx: EntityManager, tip: Tip): Promise<TipFacts> {
  const enterprise = tip.enterpriseId ? await tx.findOne(Enterprise, { where: { id: tip.enterpriseId } }) : null;
  return { tip, place: placeOfTip(tip, enterprise) };
}

/** Who a notice goes to: the tip officers, or named people. */
export type TipAudience = "officers" | readonly (number | null)[];

/**
 * Enqueues one notice about a tip in the caller's transaction: one per action per version, ever.
 * The message's source is the tip, never a person, and it goes only to staff.
 */
export async function notifyTip(
  tx: EntityManager,
  outbox: Pick<OutboxService, "enqueue">,
  channels: readonly ChannelId[],
  notice: { tip: Tip; action: string; text: string; to: TipAudience },
): Promise<void> {
  const people = notice.to === "officers" ? await activeWithRole(tx, TIP_OFFICER) : await peopleById(tx, notice.to);
  if (people.length === 0) return;
  await outbox.enqueue(tx, {
    idempotencyKey: `tip:${notice.tip.id}:${notice.action}:v${notice.tip.version}`,
    lane: "routine",
    message: { kind: "text", text: notice.text },
    recipients: await resolveRecipients(tx, people, channels),
    source: `tip:${notice.tip.id}`,
  });
}

async function peopleById(tx: EntityManager, ids: readonly (number | null)[]): Promise<Person[]> {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === "number"))];
  return wanted.length ? tx.find(Person, { where: { id: In(wanted) }, order: { id: "ASC" } }) : [];
}
