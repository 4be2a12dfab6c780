import type { Job } from "./Job";

/**
 * Every 5 minutes (Asia/Shanghai): take the overdue-ladder steps that are due — reminder, 提醒单,
 * 督办单, 挂牌督办. The domain reads what is due from the database, so a missed tick is caught up
 * on the next one; the outbox holds routine messages until working hours.
 */
export const hazardNudges = (nudges: { runDue(now: Date): Promise<unknown> }): Job => ({
  name: "hazardNudges",
  cron: "*/5 * * * *",
  run: ({ clock }) => nudges.runDue(clock.now()),
});
