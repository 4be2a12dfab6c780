import type { EntityManager } from "typeorm";
import { greyOutSentCards, type OutboxService } from "../outbox";

/** A question's card whose question has passed without a click on it, and what its buttons say now. */
export interface PassedCard {
  taskId: string;
  /** "已选：日常巡查" (answered by typing), "已取消", "已超时", …: the greyed-out buttons' words. */
  text: string;
}

/** A question lives 30 minutes; its card is looked for a little further back (a resend, a slow send). */
const LOOK_BACK_MS = 24 * 3600_000;

/** Greys out the person's copies of cards whose question has passed — answered by typing, cancelled, timed out. */
export async function greyOutPassedCards(tx: EntityManager, outbox: Pick<OutboxService, "enqueue">, turn: { personId: number; now: Date }, passed: readonly PassedCard[]): Promise<void> {
  const since = new Date(turn.now.getTime() - LOOK_BACK_MS);
  for (const card of passed) {
    await greyOutSentCards(tx, outbox, { source: `person:${turn.personId}`, since, taskIdLike: `${card.taskId}"`, isCard: (id) => id === card.taskId }, card.text);
  }
}
