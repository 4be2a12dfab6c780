import { ReportService } from "../domain/reports";
import { reportRoutes } from "../http/routes/reports";
import { monthlyReport } from "../../jobs/monthlyReport.job";
import { defineFeature } from "./feature";

/** 月报: seed 004's monthly workbook (汇总 and the 四个清单), downloadable and sent on the 1st. */
export const reportsFeature = defineFeature({
  name: "reports",
  services: ({ db, clock, media, outbox, channels, config }) => ({
    reports: new ReportService({ db, clock, media, outbox, channels, recipients: config.digest.reportRecipients }),
  }),
  routes: ({ reports }, { db, clock, log }) => [reportRoutes({ db, clock, log, reports })],
  jobs: ({ reports }) => [monthlyReport(reports)],
});
