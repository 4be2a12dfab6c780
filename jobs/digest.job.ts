import type { Job } from "./Job";

/**
 * Every 5 minutes (Asia/Shanghai): send the leaders' digests whose hour has come and that are not
 * yet sent today. The domain reads what is due from the `digests` table, so a missed tick or a
 * restart sends late rather than never, and its unique key keeps a second instance from sending twice.
 */
export const digestTick = (digests: { runDue(now: Date): Promise<unknown> }): Job => ({
  name: "digestTick",
  cron: "*/5 * * * *",
  run: ({ clock }) => digests.runDue(clock.now()),
});
