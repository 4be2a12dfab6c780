// Bot conversations as the domain keeps them: one row per person, committed with each turn's reply.
export { ConversationService, type ConversationChange, type TurnCommit } from "./ConversationService";
export type { ConversationServiceDeps } from "./types";
export { EXPIRY_NOTICE_MS, IDLE_MS, type ConversationView, type OpenConversation } from "./expiry";
export type { StrangerWords } from "./strangers";
export type { PassedCard } from "./passedCards";
