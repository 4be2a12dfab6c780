import type { InboundEvent } from "../../channels/channel";
import type { Logger } from "../../log";

/** What the inbox hands each stored event to; throwing marks the attempt failed and retries later. */
export interface InboundHandler {
  handle(event: InboundEvent): Promise<void>;
}

/**
 * The stand-in until the bot engine arrives: notes that the event arrived and marks it done.
 * Only the kind and key are logged, never what the person wrote.
 */
export function logOnlyHandler(log: Logger): InboundHandler {
  return {
    async handle(event) {
      log.info({ channel: event.channel, kind: event.kind, eventKey: event.eventId }, "inbound event received; no bot engine yet");
    },
  };
}
