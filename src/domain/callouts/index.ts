// 叫应 campaigns: the service and the words other layers need.
export { CalloutService, type CalloutServiceDeps, type Board } from "./CalloutService";
export type { AudienceRule } from "./audience";
export type { DraftInput, PreviewRow } from "./drafts";
export type { BoardCounts, BoardRow, CalloutFigures } from "./figures";
export type { TickResult } from "./tick";
export { calloutButtonLabel } from "./buttonLabel";
export * from "./vocabulary";
