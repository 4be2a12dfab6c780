import type { InboundEvent } from "../src/channels/channel";
import type { Clock } from "../src/clock";
import type { Database } from "../src/db/Database";
import type { InboundHandler } from "../src/domain/inbox";
import { activeWithRole, findByChannelAccount } from "../src/domain/org/people";
import { channelName, type OutboxService, resolveRecipients } from "../src/domain/outbox";
import type { ChannelId } from "../src/channels/channel";
import { replies } from "./replies";

export interface BotDeps {
  db: Database;
  outbox: OutboxService;
  clock: Clock;
  /** Enabled channels in order of preference, for messages to people other than the sender. */
  channels: readonly ChannelId[];
  /** 叫应 answers (src/domain/callouts): takes a card click or 收到/1/2 from someone called. */
  callouts?: { answer(event: InboundEvent): Promise<boolean> };
}

/** Kinds a person sends on purpose; opening the app or a location report is no reason to answer. */
// A card click that no feature claimed (an old card, someone not in the directory) still deserves an answer.
const CONVERSATIONAL = new Set<InboundEvent["kind"]>(["text", "image", "voice", "location", "menu_click", "card_click"]);

/**
 * The bot's first turn: it knows who is writing and answers through the outbox. Conversation
 * flows plug in here as they arrive. Replies carry the inbound event's id as their idempotency
 * key, so a redelivered or redriven event never produces a second reply.
 */
export class BotEngine implements InboundHandler {
  constructor(private readonly deps: BotDeps) {}

  async handle(event: InboundEvent): Promise<void> {
    // A callout answer is not a conversation: the callout service records it and replies itself.
    if (this.deps.callouts && (await this.deps.callouts.answer(event))) return;
    if (!CONVERSATIONAL.has(event.kind)) return;
    const { db, outbox } = this.deps;
    await db.transaction(async (tx) => {
      const person = await findByChannelAccount(tx, event.channel, event.senderId);
      const sender = { channel: event.channel, userId: event.senderId, personId: person?.id ?? null };
      const reply = (text: string) =>
        outbox.enqueue(tx, {
          idempotencyKey: `reply:${event.channel}:${event.eventId}`,
          lane: "reply",
          message: { kind: "text", text },
          recipients: [sender],
          source: person ? `person:${person.id}` : undefined,
        });
      if (person) {
        await reply(person.active ? replies.received(person.name) : replies.deactivated());
        return;
      }
      await reply(replies.unknownSender());
      // Once per account, ever: the key makes every later attempt a no-op.
      const admins = await activeWithRole(tx, "admin");
      if (admins.length === 0) return;
      await outbox.enqueue(tx, {
        idempotencyKey: `unknown-sender:${event.channel}:${event.senderId}`,
        lane: "routine",
        message: { kind: "text", text: replies.adminUnknownSender(channelName(event.channel), event.senderId) },
        recipients: resolveRecipients(admins, this.deps.channels),
      });
    });
  }
}
