// 值班值守's public face.
export { DutyService, type DutyServiceDeps, checkInReply } from "./DutyService";
export { dutyRoles, type DutyRole, LOG_KINDS, SHIFT_KIND } from "./vocabulary";
export { DEFAULT_DUTY_SETTINGS, type DutySettings } from "./settings";
export { parseLocalTime, localDate, localTime } from "./time";
export { rosterTemplate, ROSTER_HEADERS, ROSTER_SHEET } from "./rosterSheet";
export { serverOf } from "./audience";
export type { RosterImportResult } from "./rosterImport";
export { PERIOD_KINDS, type PeriodKind } from "./periods";
