import type { Job } from "./Job";

/**
 * Hourly from the 1st to the 5th (Asia/Shanghai): send last month's report to REPORT_RECIPIENTS.
 * Each person's report is one outbox message under a fixed key, so later runs only catch up
 * whoever a failed or missed run left out.
 */
export const monthlyReport = (reports: { sendDue(now: Date): Promise<unknown> }): Job => ({
  name: "monthlyReport",
  cron: "0 * 1-5 * *",
  lockTtlMs: 30 * 60_000,
  run: ({ clock }) => reports.sendDue(clock.now()),
});
