import cron, { type RunCoordinator, type ScheduledTask } from "node-cron";
import { DISPLAY_TIME_ZONE } from "../src/clock";
import type { KeyValue } from "../src/kv";
import type { Job, JobContext } from "./Job";
import { runJob } from "./runJob";

/**
 * Elects one instance per tick: the first to claim `cron:<job>:<slot>` runs it. The claim is
 * left to expire rather than released, so an instance whose clock is a little late cannot run
 * the same tick again after the first has finished.
 */
export function kvRunCoordinator(kv: KeyValue, instanceId: string): RunCoordinator {
  return {
    shouldRun: (key, ttlMs) => kv.setIfAbsent(`cron:${key}`, instanceId, Math.max(ttlMs, 60_000)),
  };
}

export interface Scheduler {
  /** Stops new ticks and waits for the runs in progress to finish. */
  stop(): Promise<void>;
}

/** Schedules every job in Asia/Shanghai time; one instance of the fleet runs each tick. */
export function startScheduler<C extends JobContext>(jobs: Job<C>[], ctx: C, kv: KeyValue, instanceId: string): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  const coordinator = kvRunCoordinator(kv, instanceId);
  // node-cron may still call a task whose election was in flight when stop() began; such a late
  // tick must not start work on stores that are about to close.
  let stopped = false;
  const tasks: ScheduledTask[] = jobs.map((job) => {
    if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression "${job.cron}"`);
    return cron.schedule(
      job.cron,
      () => {
        if (stopped) return undefined;
        const run = runJob(job, ctx, kv);
        inFlight.add(run);
        return run.finally(() => inFlight.delete(run));
      },
      { name: job.name, timezone: DISPLAY_TIME_ZONE, noOverlap: true, distributed: true, runCoordinator: coordinator, distributedLease: 10 * 60_000 },
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
