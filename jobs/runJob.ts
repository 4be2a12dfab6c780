import { observeJobRun } from "../src/metrics/metrics";
import type { Job, JobContext } from "./Job";
import type { JobLocks, SkipReason } from "./jobLocks";

const DEFAULT_LOCK_TTL_MS = 5 * 60_000;

export type JobOutcome =
  | { status: "ok"; ms: number; result: unknown }
  | { status: "failed"; ms: number; error: string }
  | { status: "skipped"; reason: SkipReason | "coordinator_unavailable" };

/** Where a run was scheduled from: the tick node-cron fired (absent for a run started by hand) and who runs it. */
export interface RunClaim {
  locks: JobLocks;
  owner: string;
  tick?: string;
}

/**
 * Runs one job once: elected for its tick and under a fleet-wide lock (so a slow run never
 * overlaps the next tick on any instance), timed, logged, and never throwing — one failing job
 * cannot stop the others.
 */
export async function runJob<C extends JobContext>(job: Job<C>, ctx: C, claim: RunClaim): Promise<JobOutcome> {
  const log = ctx.log.child({ job: job.name });
  let lease;
  try {
    lease = await claim.locks.claim(job.name, claim.tick, claim.owner, job.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
  } catch (err) {
    log.error({ err }, "job run skipped: neither the kv store nor the database could coordinate it");
    observeJobRun(job.name, "skipped");
    return { status: "skipped", reason: "coordinator_unavailable" };
  }
  if (lease === "not_elected") return { status: "skipped", reason: lease };
  if (lease === "running") {
    observeJobRun(job.name, "skipped");
    log.info({ status: "skipped" }, "job run skipped: previous run still going");
    return { status: "skipped", reason: "running" };
  }
  const started = process.hrtime.bigint();
  const ms = () => Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
  try {
    const result = await job.run({ ...ctx, log });
    const outcome = { status: "ok" as const, ms: ms(), result };
    // A run that finished but reports items it could not do (`failed: [...]`) needs an operator's eye.
    const partial = Array.isArray((result as { failed?: unknown } | undefined)?.failed) && (result as { failed: unknown[] }).failed.length > 0;
    observeJobRun(job.name, "ok", outcome.ms);
    log[partial ? "warn" : "info"]({ status: outcome.status, ms: outcome.ms, result }, partial ? "job run left items undone" : "job run");
    return outcome;
  } catch (err) {
    const outcome = { status: "failed" as const, ms: ms(), error: (err as Error).message };
    observeJobRun(job.name, "failed", outcome.ms);
    log.error({ status: outcome.status, ms: outcome.ms, err }, "job run failed");
    return outcome;
  } finally {
    await lease.release().catch(() => undefined);
  }
}
