import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock";
import type { ChannelSender, OutboundMessage, SendOptions, SendResult } from "../channel";
import { ConsoleStore, type NewLine } from "./store";

/** How far back a resend looks for the copy an unanswered attempt may have stored (the outbox's retry horizon). */
const RESEND_WINDOW_MS = 4 * 3600_000;

/**
 * The outbox worker's way into the console messenger: each message becomes a line in every
 * recipient's chat (recipients are person ids), where the console page picks it up. Cards with
 * buttons get a response code, as on WeChat Work; `card_update` and `recall` change lines
 * already delivered.
 */
export class ConsoleSender implements ChannelSender {
  readonly id = "console" as const;
  readonly maxRecipientsPerCall = 1000;

  constructor(
    private readonly store: ConsoleStore,
    private readonly clock: Clock,
  ) {}

  async send(recipients: string[], message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
    const ids = recipients.map(personIdOf);
    const known = await this.store.existingPeople(ids.filter((id): id is number => id !== null));
    const invalidUsers = recipients.filter((_, i) => !known.has(ids[i] as number));
    const people = [...new Set(ids.filter((id): id is number => id !== null && known.has(id)))];

    if (message.kind === "recall") {
      await this.store.recall(message.platformMessageId);
      return { invalidUsers: [] };
    }
    if (message.kind === "card_update") {
      await this.store.answerByCode(message.responseCode, people, message.replaceText);
      return { invalidUsers };
    }

    const held = options.resend ? await this.store.alreadyHolding(people, message.kind, message, new Date(this.clock.now().getTime() - RESEND_WINDOW_MS)) : new Map();
    // A resend answers with the ids the earlier copies carry, so a later recall or card update finds them all.
    const earlier = [...held.values()][0];
    const platformMsgId = earlier?.platformMsgId ?? ConsoleStore.newPlatformId();
    const responseCode = message.kind === "card" && message.card.buttons?.length ? (earlier?.responseCode ?? `rc-${randomUUID()}`) : undefined;
    const lines: NewLine[] = people
      .filter((id) => !held.has(id))
      .map((personId) => ({
        personId,
        direction: "out",
        kind: message.kind,
        body: message,
        mediaKey: message.kind === "file" ? message.storageKey : null,
        platformMsgId,
        responseCode: responseCode ?? null,
      }));
    await this.store.append(lines);
    return { platformMessageId: platformMsgId, responseCode, invalidUsers };
  }
}

/** `"12"` → 12; anything else is no console account. */
function personIdOf(recipient: string): number | null {
  return /^[1-9]\d{0,9}$/.test(recipient) ? Number(recipient) : null;
}
