import type { Clock } from "../src/clock";
import type { RedriveResult } from "../src/domain/inbox";
import type { ContactSyncResult } from "../src/domain/org/contactSync";
import type { Logger } from "../src/log";

/** What every job's `run` receives; the product's services go on `AppJobContext` below. */
export interface JobContext {
  clock: Clock;
  log: Logger;
}

/**
 * What the product's own jobs receive: the base context plus the domain services they call.
 * Kept apart from `JobContext` so the scheduler (and its tests) need none of these services.
 */
export interface AppJobContext extends JobContext {
  inbox: { redrivePending(now: Date): Promise<RedriveResult> };
  /** Absent while WeChat Work is not configured. */
  contactSync?: { syncAll(): Promise<ContactSyncResult> };
  /** The overdue ladder of hazards (src/domain/hazards/nudges). */
  hazardNudges?: { runDue(now: Date): Promise<unknown> };
  /** 叫应 campaigns' due steps (src/domain/callouts). */
  callouts?: { runDue(now: Date): Promise<unknown> };
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
