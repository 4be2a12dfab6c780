import type { Clock } from "../clock";
import type { Database } from "./Database";
import { isDuplicateKeyError } from "./dialect";
import { JobLock } from "./entities/JobLock";

type Lease = { release(): Promise<void> };

/**
 * Job coordination in the database (one `job_locks` row per job), for when the kv store cannot be
 * reached. A claim is one conditional write: the first instance creates the row, later ticks move
 * it forward only if the tick is newer than the last claimed one and the last run's lease is over.
 * So each tick runs once across the fleet, and a slow run is never overlapped; a run whose process
 * died holds the job only until its lease ends.
 */
export function dbJobLocks(db: Database, clock: Clock) {
  return {
    async claim(job: string, tick: string | undefined, owner: string, ttlMs: number): Promise<Lease | "not_elected" | "running"> {
      const now = clock.now();
      const at = tick ?? now.toISOString();
      const leaseUntil = new Date(now.getTime() + ttlMs);
      const release: Lease = {
        release: async () => {
          await db.write((m) =>
            m.createQueryBuilder().update(JobLock).set({ leaseUntil: clock.now() }).where("name = :job AND owner = :owner AND tick = :at", { job, owner, at }).execute(),
          );
        },
      };
      try {
        await db.write((m) => m.insert(JobLock, { name: job, tick: at, owner, leaseUntil }));
        return release;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const moved = await db.write((m) =>
        m
          .createQueryBuilder()
          .update(JobLock)
          .set({ tick: at, owner, leaseUntil })
          .where("name = :job AND tick < :at AND lease_until <= :now", { job, at, now })
          .execute(),
      );
      if ((moved.affected ?? 0) === 1) return release;
      const row = await db.manager.findOneBy(JobLock, { name: job });
      return row && row.tick >= at ? "not_elected" : "running";
    },
  };
}
