export { InboxService, backoffMs, type AcceptOutcome, type InboxOptions, type RedriveResult } from "./InboxService";
export { logOnlyHandler, type InboundHandler } from "./InboundHandler";
