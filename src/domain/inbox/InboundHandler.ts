import type { InboundEvent } from "../../channels/channel";

/** What the inbox hands each stored event to; throwing marks the attempt failed and retries later. */
export interface InboundHandler {
  handle(event: InboundEvent): Promise<void>;
}
