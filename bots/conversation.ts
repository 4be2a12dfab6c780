import type { ConversationChange, ConversationView } from "../src/domain/conversations";
import type { FlowState, Question } from "./flow";

/** Where a person is in a conversation: the flow, its state, and the question waiting for an answer. */
export interface Conversation {
  flow: string;
  state: FlowState;
  question: Question;
  /** The card that carried the question's buttons; a click on any other card is stale. */
  taskId?: string;
}

/** The open conversation of a view, in the bot's own shape (the domain keeps it as JSON). */
export function openOf(view: ConversationView): Conversation | null {
  const open = view.open;
  if (!open) return null;
  return { flow: open.flow, state: open.state as FlowState, question: open.question as Question, ...(open.taskId ? { taskId: open.taskId } : {}) };
}

/** A conversation kept waiting on the person's next message. */
export function saved(conversation: Conversation): ConversationChange {
  const { flow, state, question, taskId } = conversation;
  return { kind: "save", conversation: { flow, state, question, taskId: taskId ?? null } };
}

export const ended: ConversationChange = { kind: "end" };
