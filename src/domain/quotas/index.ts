export { QuotaService, type QuotaServiceDeps } from "./QuotaService";
export type { QuotaReport, PersonQuota, QuotaItem } from "./progress";
export type { OverdueEnterprise } from "./frequency";
export { parsePeriod, monthWindow, weekWindow, monthOf, isoWeekLabel, type QuotaWindow } from "./period";
export { describeRule, type QuotaRuleView } from "./rules";
export * as calendar from "./calendar";
export { QuotaNudges, type QuotaNudgeDeps } from "./nudges";
