import type { Job } from "./Job";

/**
 * Every 30 minutes (Asia/Shanghai): late in the week and the month, remind whoever is behind on
 * their 日周月 checks, once per person and period (the domain decides when and keys the messages).
 */
export const quotaNudges = (nudges: { runDue(now: Date): Promise<unknown> }): Job => ({
  name: "quotaNudges",
  cron: "*/30 * * * *",
  run: ({ clock }) => nudges.runDue(clock.now()),
});
