import type { InboundEvent } from "../src/channels/channel";
import type { Person } from "../src/db/entities";
import type { ConversationService } from "../src/domain/conversations";
import { channelName } from "../src/domain/outbox";
import { replies } from "./replies";

/** Someone not in the directory, or deactivated: a polite answer, and the administrators told once. */
export function answerStranger(conversations: ConversationService, event: InboundEvent, person: Person | null): Promise<void> {
  return conversations.answerStranger({ channel: event.channel, userId: event.senderId, eventId: event.eventId }, person, {
    reply: person ? replies.deactivated() : replies.unknownSender(),
    adminNotice: replies.adminUnknownSender(channelName(event.channel), event.senderId),
  });
}
