import type { EntityManager } from "typeorm";
import { OutboxDelivery, OutboxMessage } from "../../db/entities";
import type { OutboxService } from "./OutboxService";

/** Which sent cards to grey out: a source's messages since a moment, narrowed to the cards whose task id matches. */
export interface SentCards {
  /** The messages' `source`, e.g. `person:12` or `hazard:3`. */
  source: string;
  since: Date;
  /** Whether a card's task id is one of those meant. */
  isCard: (taskId: string) => boolean;
  /** Narrows the payload scan (`LIKE`); the task id itself is checked by `isCard`. */
  taskIdLike: string;
}

/**
 * Greys out the sent copies of cards whose question has passed without a click on them, as a
 * click would have: a `card_update` with the code each copy was sent with (WeChat Work's send-time
 * response_code, the console's own). A copy not yet sent, or sent by a channel that gives no code,
 * has nothing to update and is left as it is. Once per copy: the code is single-use.
 */
export async function greyOutSentCards(tx: EntityManager, outbox: Pick<OutboxService, "enqueue">, cards: SentCards, text: string): Promise<void> {
  const rows = await tx
    .createQueryBuilder(OutboxDelivery, "d")
    .innerJoinAndSelect("d.message", "m")
    .where("m.source = :source", { source: cards.source })
    .andWhere("m.created_at >= :since", { since: cards.since })
    .andWhere("m.payload LIKE :task", { task: `%"taskId":"${cards.taskIdLike}%` })
    .andWhere("d.status = 'sent'")
    .andWhere("d.response_code IS NOT NULL")
    .andWhere("d.channel IS NOT NULL")
    .getMany();
  for (const copy of rows.filter((d) => cardTaskId(d.message!) !== null && cards.isCard(cardTaskId(d.message!)!))) {
    await outbox.enqueue(tx, {
      idempotencyKey: `card-passed:${copy.id}`,
      lane: "reply",
      message: { kind: "card_update", responseCode: copy.responseCode!, replaceText: text },
      recipients: [{ channel: copy.channel!, userId: copy.recipient, personId: copy.personId }],
      source: cards.source,
    });
  }
}

function cardTaskId(message: OutboxMessage): string | null {
  const payload = JSON.parse(message.payload) as { kind?: string; card?: { taskId?: unknown } };
  return payload.kind === "card" && typeof payload.card?.taskId === "string" ? payload.card.taskId : null;
}
