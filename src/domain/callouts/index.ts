// 叫应 campaigns: the service and the words other layers need.
export { CalloutService, type CalloutServiceDeps, type Board, type SendResult } from "./CalloutService";
export type { AudienceRule } from "./audience";
export type { DraftInput, PreviewRow } from "./drafts";
export type { BoardCounts, BoardRow, CalloutFigures } from "./figures";
export type { CardDelivery } from "./delivery";
export type { TickResult, CampaignFailure, CampaignRun } from "./tick";
export { calloutButtonLabel, chosenLabel } from "./buttonLabel";
export * from "./vocabulary";
export { listCallouts, type CalloutFilter, type CalloutListRow } from "./list";
