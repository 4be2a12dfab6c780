import type { EntityManager } from "typeorm";
import { OutboxDelivery, OutboxMessage } from "../../db/entities";
import type { OutboxService } from "../outbox";

/** A question's card whose question has passed without a click on it, and what its buttons say now. */
export interface PassedCard {
  taskId: string;
  /** "已选：日常巡查" (answered by typing), "已取消", "已超时", …: the greyed-out buttons' words. */
  text: string;
}

/** A question lives 30 minutes; its card is looked for a little further back (a resend, a slow send). */
const LOOK_BACK_MS = 24 * 3600_000;

/**
 * Greys out the person's copies of cards whose question has passed — answered by typing, cancelled,
 * timed out — as a click would have: a `card_update` with the code each copy was sent with (WeChat
 * Work's send-time response_code, the console's own). A copy not yet sent, or sent by a channel that
 * gives no code, has nothing to update and is left as it is.
 */
export async function greyOutPassedCards(
  tx: EntityManager,
  outbox: Pick<OutboxService, "enqueue">,
  turn: { personId: number; now: Date },
  passed: readonly PassedCard[],
): Promise<void> {
  for (const card of passed) {
    for (const copy of await sentCopies(tx, turn.personId, card.taskId, new Date(turn.now.getTime() - LOOK_BACK_MS))) {
      await outbox.enqueue(tx, {
        // Once per copy: its code is single-use, and a later turn may find the same card passed again.
        idempotencyKey: `card-passed:${copy.id}`,
        lane: "reply",
        message: { kind: "card_update", responseCode: copy.responseCode!, replaceText: card.text },
        recipients: [{ channel: copy.channel!, userId: copy.recipient, personId: turn.personId }],
        source: `person:${turn.personId}`,
      });
    }
  }
}

/** The sent deliveries to the person of the card `taskId` (a question asked again has several). */
async function sentCopies(tx: EntityManager, personId: number, taskId: string, since: Date): Promise<OutboxDelivery[]> {
  const rows = await tx
    .createQueryBuilder(OutboxDelivery, "d")
    .innerJoinAndSelect("d.message", "m")
    .where("m.source = :source", { source: `person:${personId}` })
    .andWhere("m.created_at >= :since", { since })
    .andWhere("m.payload LIKE :task", { task: `%"taskId":"${taskId}"%` })
    .andWhere("d.status = 'sent'")
    .andWhere("d.response_code IS NOT NULL")
    .andWhere("d.channel IS NOT NULL")
    .getMany();
  // LIKE's `_` matches any character: the payload itself decides.
  return rows.filter((d) => isCardOf(d.message!, taskId));
}

function isCardOf(message: OutboxMessage, taskId: string): boolean {
  const payload = JSON.parse(message.payload) as { kind?: string; card?: { taskId?: string } };
  return payload.kind === "card" && payload.card?.taskId === taskId;
}
