import type { Job } from "./Job";

/**
 * Every minute: the duty reminders, confirmations and check-in escalations that are due. The
 * domain reads what is due from the database, so a missed tick is caught up on the next one.
 */
export const dutyTick = (duty: { runDue(now: Date): Promise<unknown> }): Job => ({
  name: "dutyTick",
  cron: "* * * * *",
  run: ({ clock }) => duty.runDue(clock.now()),
});
