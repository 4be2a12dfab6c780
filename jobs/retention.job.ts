import type { Job } from "./Job";

/**
 * Daily at 03:40 (Asia/Shanghai, a quiet hour): blank inbound payloads and console texts past
 * the retention period. The domain finds what is old by date, so a missed day is caught up next time.
 */
export const retentionPurge = (purge: (now: Date) => Promise<unknown>): Job => ({
  name: "retentionPurge",
  cron: "40 3 * * *",
  lockTtlMs: 30 * 60_000,
  run: ({ clock }) => purge(clock.now()),
});
