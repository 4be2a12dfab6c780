import type { KeyValue } from "../src/kv";
import type { FlowState, Question } from "./flow";

/** Where a person is in a conversation: the flow, its state, and the question waiting for an answer. */
export interface Conversation {
  flow: string;
  state: FlowState;
  question: Question;
  /** The card that carried the question's buttons; a click on any other card is stale. */
  taskId?: string;
}

/** The promise: a conversation left alone for 30 minutes is over. */
export const IDLE_MS = 30 * 60_000;
/** How long we remember that a conversation timed out, to say so instead of "not understood". */
const EXPIRY_NOTICE_MS = 24 * 3600_000;

/**
 * Conversations live in the kv (shared by every instance) with an idle expiry; one per person.
 * A second, longer-lived mark remembers which flow was open, so a late reply hears that the
 * conversation timed out rather than a puzzled "not understood".
 */
export class ConversationStore {
  constructor(private readonly kv: KeyValue) {}

  async get(personId: number): Promise<Conversation | null> {
    const raw = await this.kv.get(key(personId));
    return raw ? (JSON.parse(raw) as Conversation) : null;
  }

  /** Keeps the conversation for another idle period; `rememberExpiry` lets a late reply hear it timed out. */
  async save(personId: number, conversation: Conversation, rememberExpiry = true): Promise<void> {
    await this.kv.set(key(personId), JSON.stringify(conversation), IDLE_MS);
    if (rememberExpiry) await this.kv.set(openKey(personId), conversation.flow, EXPIRY_NOTICE_MS);
    else await this.kv.del(openKey(personId));
  }

  async end(personId: number): Promise<void> {
    await this.kv.del(key(personId));
    await this.kv.del(openKey(personId));
  }

  /** The flow whose conversation timed out (and was not ended on purpose), if any; forgets it. */
  async takeExpired(personId: number): Promise<string | null> {
    const flow = await this.kv.get(openKey(personId));
    if (flow) await this.kv.del(openKey(personId));
    return flow;
  }
}

const key = (personId: number) => `bot:conversation:${personId}`;
const openKey = (personId: number) => `bot:conversation-open:${personId}`;
