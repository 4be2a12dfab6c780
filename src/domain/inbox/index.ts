export { InboxService, backoffMs, type AcceptOutcome, type InboxOptions, type RedriveResult } from "./InboxService";
export type { InboundHandler } from "./InboundHandler";
export { isSealed, SEALED_PAYLOAD, sealInboundEvent } from "./seal";
