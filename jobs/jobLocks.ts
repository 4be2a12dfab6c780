import type { KeyValue } from "../src/kv";
import type { Logger } from "../src/log";

/** Why an instance did not run a tick. */
export type SkipReason = "not_elected" | "running";

/** A held claim on a job's run; released when the run ends, or left to expire if the process dies. */
export interface JobLease {
  release(): Promise<void>;
}

/**
 * Elects one instance of the fleet per tick of a job and keeps a slow run from overlapping the
 * next tick anywhere. `tick` is the scheduled instant (ISO); a run started by hand passes none.
 * Throws when the store behind it cannot answer.
 */
export interface JobLocks {
  claim(job: string, tick: string | undefined, owner: string, ttlMs: number): Promise<JobLease | SkipReason>;
}

/**
 * The usual coordinator: the first instance to set `cron:<job>:<tick>` runs the tick (the mark is
 * left to expire rather than released, so an instance whose clock is a little late cannot run the
 * same tick again after the first has finished), under the lock `job:<job>`.
 */
export function kvJobLocks(kv: KeyValue): JobLocks {
  return {
    async claim(job, tick, owner, ttlMs) {
      if (tick !== undefined && !(await kv.setIfAbsent(`cron:${job}:${tick}`, owner, Math.max(ttlMs, 60_000)))) return "not_elected";
      const lock = await kv.acquireLock(`job:${job}`, ttlMs);
      if (!lock) return "running";
      return { release: async () => void (await lock.release()) };
    },
  };
}

/**
 * The kv store first, the database when the kv cannot be reached: due work (叫应 ticks, the inbox
 * redrive) must not stop because Redis is away. While Redis is down every instance fails over at
 * once, so they all meet in the database; the log says so at most once a minute per instance.
 */
export function failoverJobLocks(primary: JobLocks, fallback: JobLocks, log: Logger): JobLocks {
  let lastWarnedAt = 0;
  return {
    async claim(job, tick, owner, ttlMs) {
      try {
        return await primary.claim(job, tick, owner, ttlMs);
      } catch (err) {
        const now = process.hrtime.bigint() / 1_000_000n;
        if (Number(now) - lastWarnedAt > 60_000) {
          lastWarnedAt = Number(now);
          log.warn({ job, code: (err as { code?: string }).code }, "kv store unreachable: jobs are coordinated through the database");
        }
        return fallback.claim(job, tick, owner, ttlMs);
      }
    },
  };
}
