import type { InboundEvent } from "../src/channels/channel";
import type { Person } from "../src/db/entities";
import { activeWithRole } from "../src/domain/org/people";
import { channelName, type OutboxService, resolveRecipients } from "../src/domain/outbox";
import { replies } from "./replies";
import type { BotServices } from "./services";

/** Someone not in the directory, or deactivated: a polite answer, and the administrators told once. */
export async function answerStranger(services: BotServices, outbox: OutboxService, event: InboundEvent, person: Person | null): Promise<void> {
  await services.db.transaction(async (tx) => {
    await outbox.enqueue(tx, {
      idempotencyKey: `reply:${event.channel}:${event.eventId}`,
      lane: "reply",
      message: { kind: "text", text: person ? replies.deactivated() : replies.unknownSender() },
      recipients: [{ channel: event.channel, userId: event.senderId, personId: person?.id ?? null }],
      source: person ? `person:${person.id}` : undefined,
    });
    if (person) return;
    // Once per account, ever: the key makes every later attempt a no-op.
    const admins = await activeWithRole(tx, "admin");
    if (admins.length === 0) return;
    await outbox.enqueue(tx, {
      idempotencyKey: `unknown-sender:${event.channel}:${event.senderId}`,
      lane: "routine",
      message: { kind: "text", text: replies.adminUnknownSender(channelName(event.channel), event.senderId) },
      recipients: await resolveRecipients(tx, admins, services.channels),
    });
  });
}
