import { randomUUID } from "node:crypto";
import cron, { type Logger as CronLogger, type ScheduledTask, type TaskContext } from "node-cron";
import { DISPLAY_TIME_ZONE } from "../src/clock";
import type { Logger } from "../src/log";
import type { Job, JobContext } from "./Job";
import type { JobLocks } from "./jobLocks";
import { runJob } from "./runJob";

export interface Scheduler {
  /** Stops new ticks and waits for the runs in progress to finish. */
  stop(): Promise<void>;
}

/**
 * node-cron's own messages (a tick blocked by a run still going, a missed tick) as one JSON line
 * of the app's log: its default logger writes coloured, multi-line text to the console.
 */
export function cronLogger(log: Logger): CronLogger {
  const line =
    (level: "info" | "warn" | "error" | "debug") =>
    (message: string | Error, err?: Error): void => {
      const error = message instanceof Error ? message : err;
      log[level]({ source: "node-cron", ...(error ? { err: error } : {}) }, message instanceof Error ? message.message : message);
    };
  return { info: line("info"), warn: line("warn"), error: line("error"), debug: line("debug") };
}

/**
 * Schedules every job in Asia/Shanghai time; one instance of the fleet runs each tick, elected
 * through `locks` (the kv store, or the database while the kv is away: see jobs/jobLocks.ts).
 */
export function startScheduler<C extends JobContext>(jobs: Job<C>[], ctx: C, locks: JobLocks, instanceId: string): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  const logger = cronLogger(ctx.log.child({ component: "scheduler" }));
  // Unique per process start, so a restarted instance never mistakes an old claim for its own.
  const owner = `${instanceId.slice(0, 48)}:${randomUUID().slice(0, 8)}`;
  // node-cron may still call a task whose tick was in flight when stop() began; such a late tick
  // must not start work on stores that are about to close.
  let stopped = false;
  const tasks: ScheduledTask[] = jobs.map((job) => {
    if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression "${job.cron}"`);
    return cron.schedule(
      job.cron,
      (tick: TaskContext) => {
        if (stopped) return undefined;
        const run = runJob(job, ctx, { locks, owner, tick: tick.date.toISOString() });
        inFlight.add(run);
        return run.finally(() => inFlight.delete(run));
      },
      { name: job.name, timezone: DISPLAY_TIME_ZONE, noOverlap: true, logger },
    );
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(tasks.map((t) => t.stop()));
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
