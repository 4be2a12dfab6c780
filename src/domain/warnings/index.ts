// Weather warnings (CAP or the JSON form, parsed at the edge) to 叫应 drafts by a rule table.
export { WarningService, type WarningDraft, type WarningInput, type WarningServiceDeps } from "./WarningService";
export { DEFAULT_WARNING_RULES, selectRules, type RuleSelection, type WarningRule } from "./rules";
export { levelFromText, splitAreas, typeFromText } from "./classify";
