export { ReportService, type ReportServiceDeps, XLSX_TYPE } from "./ReportService";
export { summaryRows, type MonthlyReportInput } from "./monthlyReport";
export type { MonthlySummary } from "./summary";
