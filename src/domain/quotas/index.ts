export { QuotaService, type QuotaServiceDeps } from "./QuotaService";
export type { QuotaReport, PersonQuota, QuotaItem } from "./progress";
export { quotaTotals } from "./progress";
export type { OverdueEnterprise } from "./frequency";
export { parsePeriod, monthWindow, weekWindow, halfWindow, halfOf, monthOf, isoWeekLabel, type QuotaWindow } from "./period";
export { describeRule, QUOTA_PERIODS, type QuotaPeriod, type QuotaRuleView } from "./rules";
export * as calendar from "./calendar";
export { QuotaNudges, type QuotaNudgeDeps } from "./nudges";
