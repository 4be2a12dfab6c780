// The hazards feature's public face: the service, its inputs, the vocabulary and the role table.
export { HazardService } from "./HazardService";
export type { AssignInput, ChangeInput, ExtendInput, FixOnSpotInput, HazardPlace, HazardServiceDeps, ReasonInput, ReportInput, SubmitInput } from "./types";
export { HAZARD_ACTIONS, hazardActionLabels, nextState, type HazardAction, type MachineHazard } from "./stateMachine";
export { ACTION_ROLES } from "./policy";
export { isOverdue, OPEN_STATES, type HazardDetail, type HazardFilter, type HazardNames, type HazardPage } from "./queries";
export { formatHazardNumber, numberingYear } from "./numbering";
export { NEAREST_ENTERPRISE_RADIUS_M } from "./routing";
export * from "./vocabulary";
