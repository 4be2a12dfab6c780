import type { Clock } from "../src/clock";
import type { Logger } from "../src/log";

/**
 * What every job's `run` receives. A job's own services are bound in when its feature declares it
 * (see src/features), so this context never lists a feature.
 */
export interface JobContext {
  clock: Clock;
  log: Logger;
}

/**
 * A scheduled job: a declaration, not a script. `run` asks one domain function for the work that
 * is due now; the job itself keeps no state, so a restart or a second instance changes nothing.
 */
export interface Job<C extends JobContext = JobContext> {
  name: string;
  /** node-cron expression (seconds optional), read in Asia/Shanghai. */
  cron: string;
  /** How long the job may hold the fleet-wide run lock; defaults to 5 minutes. */
  lockTtlMs?: number;
  run(ctx: C): Promise<unknown>;
}
