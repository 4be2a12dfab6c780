import type { KeyValue } from "../src/kv";
import type { Job, JobContext } from "./Job";

const DEFAULT_LOCK_TTL_MS = 5 * 60_000;

export type JobOutcome = { status: "ok"; ms: number; result: unknown } | { status: "failed"; ms: number; error: string } | { status: "skipped"; reason: "running" | "kv_unavailable" };

/**
 * Runs one job once: under a fleet-wide lock (so a slow run never overlaps the next tick on any
 * instance), timed, logged, and never throwing — one failing job cannot stop the others.
 */
export async function runJob<C extends JobContext>(job: Job<C>, ctx: C, kv: KeyValue): Promise<JobOutcome> {
  const log = ctx.log.child({ job: job.name });
  let lock;
  try {
    lock = await kv.acquireLock(`job:${job.name}`, job.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
  } catch (err) {
    log.error({ err }, "job run skipped: the kv store is unreachable");
    return { status: "skipped", reason: "kv_unavailable" };
  }
  if (!lock) {
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
    log[partial ? "warn" : "info"]({ status: outcome.status, ms: outcome.ms, result }, partial ? "job run left items undone" : "job run");
    return outcome;
  } catch (err) {
    const outcome = { status: "failed" as const, ms: ms(), error: (err as Error).message };
    log.error({ status: outcome.status, ms: outcome.ms, err }, "job run failed");
    return outcome;
  } finally {
    await lock.release().catch(() => undefined);
  }
}
