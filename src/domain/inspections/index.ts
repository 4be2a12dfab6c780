// The inspections feature's public face: the service, its inputs, the vocabulary and the role rules.
export { InspectionService } from "./InspectionService";
export type { CheckInInput, InspectionFilter, InspectionServiceDeps, Position } from "./types";
export type { FoundEnterprise } from "../org/enterprises";
export type { InspectionDetail, InspectionNames, InspectionPage } from "./queries";
export { INSPECTING_ROLES, INSPECTION_READER_ROLES, mayInspect } from "./policy";
export { MAX_INSPECTION_PHOTOS } from "./photos";
export { MAX_NOTE_CHARS } from "./checkIn";
export * from "./vocabulary";
