// Weather warnings (CAP or the JSON form, parsed at the edge) to 叫应 drafts by a rule table.
export { WarningService, type IntakeResult, type WarningDraft, type WarningInput, type WarningMessageInput, type WarningServiceDeps } from "./WarningService";
export { DEFAULT_WARNING_RULES, selectRules, type RuleSelection, type WarningRule } from "./rules";
export { levelFromText, splitAreas, typeFromText } from "./classify";
export { MAX_ID_LENGTH, parseReferences, type WarningIdentity, type WarningMsgType, type WarningOutcome, type WarningRef } from "./identity";
export { MAX_CAP_DEPTH, MAX_WARNING_AREAS, xmlDepthExceeds } from "./limits";
