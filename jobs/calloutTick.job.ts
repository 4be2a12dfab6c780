import type { Job } from "./Job";

/**
 * Every minute: 叫应 reminders, escalations to superiors, unreachable people, and the deadline
 * report. Each step is keyed once per recipient, so a second instance's tick changes nothing.
 */
export const calloutTick = (callouts: { runDue(now: Date): Promise<unknown> }): Job => ({
  name: "calloutTick",
  cron: "* * * * *",
  run: ({ clock }) => callouts.runDue(clock.now()),
});
