import type { BotConversation } from "../../db/entities";

/** The promise: a conversation left alone for 30 minutes is over. */
export const IDLE_MS = 30 * 60_000;
/** How long after its last question we remember a conversation timed out, to say so. */
export const EXPIRY_NOTICE_MS = 24 * 3600_000;

/** A conversation waiting on the person's reply; state and question are the bot's JSON. */
export interface OpenConversation {
  flow: string;
  state: unknown;
  question: unknown;
  /** The card that carried the question's buttons; a click on any other card is stale. */
  taskId: string | null;
}

/** Where a person's conversation stands when one of their messages arrives. */
export interface ConversationView {
  /** The person has a conversation row (any state): the turn's commit updates it rather than inserting one. */
  stored: boolean;
  /** This very event's turn already committed (a redelivery or a redrive): nothing is left to do. */
  answered: boolean;
  /** The conversation waiting for this message, if one is open and not idle past its expiry. */
  open: OpenConversation | null;
  /** The flow of a conversation that timed out unanswered within the last day; null otherwise. */
  expired: string | null;
  /** The card of that timed-out conversation's question, if it had one. */
  expiredTaskId?: string | null;
}

/**
 * Reads a stored row at `now`. Idle expiry is a timestamp compared with the clock, so it is the
 * same on every instance, survives restarts, and tests move it with the test's clock.
 */
export function viewOf(row: BotConversation | null, eventKey: string, now: Date): ConversationView {
  if (!row) return { stored: false, answered: false, open: null, expired: null };
  const answered = row.lastEventKey === eventKey;
  if (!row.flow || !row.expiresAt) return { stored: true, answered, open: null, expired: null };
  const t = now.getTime();
  const expiresAt = row.expiresAt.getTime();
  if (t < expiresAt) {
    return { stored: true, answered, open: { flow: row.flow, state: parse(row.state), question: parse(row.question), taskId: row.taskId }, expired: null };
  }
  // Remembered for a day after the question was asked (the expiry is IDLE_MS after it).
  const remembered = t < expiresAt - IDLE_MS + EXPIRY_NOTICE_MS;
  return { stored: true, answered, open: null, expired: remembered ? row.flow : null, expiredTaskId: remembered ? row.taskId : null };
}

const parse = (json: string | null): unknown => (json === null ? null : JSON.parse(json));
