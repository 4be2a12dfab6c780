import type { AppJobContext, Job } from "./Job";

/**
 * Every minute: 叫应 reminders, escalations to superiors, unreachable people, and the deadline
 * report. Each step is keyed once per recipient, so a second instance's tick changes nothing.
 */
export const calloutTick: Job<AppJobContext> = {
  name: "calloutTick",
  cron: "* * * * *",
  run: async ({ callouts, clock }) => (callouts ? callouts.runDue(clock.now()) : { skipped: "callouts not configured" }),
};
