// The outbox's public face for features; the worker that sends lives in src/outbox/.
export { OutboxService, type OutboxServiceDeps } from "./OutboxService";
export type { EnqueueRequest, EnqueueResult } from "./enqueue";
export { LANES, LANE_PRIORITY, type Lane, type DeliveryStatus } from "./lanes";
export { resolveRecipients, routeRecipients, channelName, type PersonReach, type Recipient, type ReachableRecipient, type UnreachableRecipient, type PersonContact } from "./recipients";
export { outcomeOf, summarize, type DeliveryView, type DeliveryOutcome, type SourceFilter } from "./queries";
export type { CancelOptions } from "./cancel";
export { greyOutSentCards, type SentCards } from "./cardUpdates";
export { parseQuietHours, quietUntil, deferForQuietHours, type QuietHours } from "./quietHours";
