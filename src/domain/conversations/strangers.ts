import type { Person } from "../../db/entities";
import { activeWithRole } from "../org/people";
import { type ReachableRecipient, resolveRecipients } from "../outbox";
import type { ConversationServiceDeps } from "./types";

/** What the bot says to a stranger and about them, in its own words. */
export interface StrangerWords {
  /** To the sender. */
  reply: string;
  /** To the administrators, once per account, when the sender is not in the directory at all. */
  adminNotice: string;
}

/** The reply, and for an unknown account the administrators' notice, in one transaction. */
export async function answerStranger(deps: ConversationServiceDeps, to: ReachableRecipient & { eventId: string }, person: Person | null, words: StrangerWords): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await deps.outbox.enqueue(tx, {
      idempotencyKey: `reply:${to.channel}:${to.eventId}`,
      lane: "reply",
      message: { kind: "text", text: words.reply },
      recipients: [{ channel: to.channel, userId: to.userId, personId: person?.id ?? null }],
      source: person ? `person:${person.id}` : undefined,
    });
    if (person) return;
    // Once per account, ever: the key makes every later attempt a no-op.
    const admins = await activeWithRole(tx, "admin");
    if (admins.length === 0) return;
    await deps.outbox.enqueue(tx, {
      idempotencyKey: `unknown-sender:${to.channel}:${to.userId}`,
      lane: "routine",
      message: { kind: "text", text: words.adminNotice },
      recipients: await resolveRecipients(tx, admins, deps.channels),
    });
  });
}
