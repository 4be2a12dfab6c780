import type { EntityManager } from "typeorm";
import type { ChannelId, OutboundMessage } from "../../channels/channel";
import { BotConversation, type Person } from "../../db/entities";
import { sealInboundEvent } from "../inbox/seal";
import { findByChannelAccount } from "../org/people";
import type { ReachableRecipient } from "../outbox";
import { type ConversationView, IDLE_MS, type OpenConversation, viewOf } from "./expiry";
import { greyOutPassedCards, type PassedCard } from "./passedCards";
import { answerStranger, type StrangerWords } from "./strangers";
import type { ConversationServiceDeps } from "./types";

/** What a turn does to the conversation. */
export type ConversationChange =
  /** Leaves it as it was (a question asked again, an answer that changed nothing). */
  | { kind: "keep" }
  /** Ends it: done, cancelled, or its expiry told. */
  | { kind: "end" }
  /** Waits on the person's next message for another idle period. */
  | { kind: "save"; conversation: OpenConversation };

/** One turn, as it commits. */
export interface TurnCommit {
  personId: number;
  /** `<channel>:<event id>` of the message answered: the reply keys and the redelivery check. */
  eventKey: string;
  change: ConversationChange;
  /** In order; each is sent exactly once. */
  replies: readonly OutboundMessage[];
  to: ReachableRecipient;
  /**
   * A 举报 turn: the replies name no source and are sealed once delivered, and the inbox row of the
   * message answered forgets its sender and text, so nothing stored joins a tipster to the tip.
   */
  confidential: boolean;
  /**
   * What the turn's `view` saw: whether the person's row existed (read under the per-person turn
   * lock, so still true at commit). Spares the commit a read; left out, the commit reads it.
   */
  stored?: boolean;
  /** Cards of questions this turn put behind the person (answered by typing, cancelled, timed out). */
  passedCards?: readonly PassedCard[];
}

/**
 * A person's conversation with the bot, stored in the database so that one turn — the new
 * conversation state and the reply's outbox rows — commits in one transaction or not at all.
 * A turn that could not store its reply leaves the conversation where it was, so the inbox's
 * redrive replays the same message from the same state; a turn that committed is recognised by
 * its event key and not answered twice.
 */
export class ConversationService {
  constructor(private readonly deps: ConversationServiceDeps) {}

  /** The person behind a messenger account, or null when the account is not in the directory. */
  sender(channel: ChannelId, userId: string): Promise<Person | null> {
    return findByChannelAccount(this.deps.db.manager, channel, userId);
  }

  /** Where the person's conversation stands for the message `eventKey`. */
  async view(personId: number, eventKey: string): Promise<ConversationView> {
    const row = await this.deps.db.manager.findOne(BotConversation, { where: { personId } });
    return viewOf(row, eventKey, this.deps.clock.now());
  }

  /** The turn's conversation and its replies, in one transaction. */
  async commit(turn: TurnCommit): Promise<void> {
    const now = this.deps.clock.now();
    await this.write(turn, now);
    if (turn.replies.length) this.deps.repliesQueued?.();
  }

  private write(turn: TurnCommit, now: Date): Promise<void> {
    return this.deps.db.transaction(async (tx) => {
      await saveConversation(tx, turn, now);
      for (const [i, message] of turn.replies.entries()) {
        await this.deps.outbox.enqueue(tx, {
          idempotencyKey: `reply:${turn.eventKey}:${i}`,
          lane: "reply",
          message,
          recipients: [turn.to],
          // A committed turn is not run again while it is the last (its view is `answered`): its reply
          // keys are new but for a late redelivery, which the unique index still catches.
          likelyNew: true,
          ...(turn.confidential ? { confidential: true } : { source: `person:${turn.personId}` }),
        });
      }
      // A 举报's cards name no source, so nothing finds them: they stay as they were.
      if (!turn.confidential && turn.passedCards?.length) await greyOutPassedCards(tx, this.deps.outbox, { personId: turn.personId, now }, turn.passedCards);
      // Every turn of the conversation, not only the one that files the tip: each commits its own seal.
      if (turn.confidential) await sealInboundEvent(tx, { channel: turn.to.channel, eventId: eventIdOf(turn) });
    });
  }

  /** Someone not in the directory, or deactivated: a polite answer, and the administrators told once. */
  answerStranger(to: ReachableRecipient & { eventId: string }, person: Person | null, words: StrangerWords): Promise<void> {
    return answerStranger(this.deps, to, person, words);
  }
}

/** The platform's event id inside `<channel>:<event id>` (channel ids hold no colon). */
function eventIdOf(turn: TurnCommit): string {
  return turn.eventKey.slice(turn.to.channel.length + 1);
}

/**
 * Writes the row under the per-person turn lock (one writer per person); two first turns racing
 * anyway collide on the primary key and the loser's transaction is retried by the inbox.
 */
async function saveConversation(tx: EntityManager, turn: TurnCommit, now: Date): Promise<void> {
  const { change } = turn;
  const fields: Partial<BotConversation> = { lastEventKey: turn.eventKey, updatedAt: now };
  if (change.kind === "end") Object.assign(fields, { flow: null, state: null, question: null, taskId: null, expiresAt: null });
  if (change.kind === "save") {
    const c = change.conversation;
    Object.assign(fields, { flow: c.flow, state: JSON.stringify(c.state), question: JSON.stringify(c.question), taskId: c.taskId, expiresAt: new Date(now.getTime() + IDLE_MS) });
  }
  const existing = turn.stored ?? (await tx.findOne(BotConversation, { where: { personId: turn.personId }, select: { personId: true } })) !== null;
  if (existing) await tx.update(BotConversation, { personId: turn.personId }, fields);
  else await tx.insert(BotConversation, { flow: null, state: null, question: null, taskId: null, expiresAt: null, ...fields, personId: turn.personId });
}
