import type { EntityManager } from "typeorm";
import type { Database } from "../db/Database";
import { isMysqlFamily } from "../db/dialect";

// InnoDB may pick one of two row-locking transactions as a deadlock victim; the claim and result
// statements are safe to run again, and running them again spares a lease expiry and a resend.
const RETRYABLE_LOCK_ERRORS = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]);
const LOCK_RETRIES = 2;

/**
 * A short transaction for the worker's claims and results. On MySQL it runs READ COMMITTED: a
 * `FOR UPDATE` range scan under REPEATABLE READ would also take gap locks and hold up the
 * features' own inserts into the outbox; with SKIP LOCKED nothing here needs a repeatable snapshot.
 */
export function shortTransaction<T>(db: Database, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  if (!isMysqlFamily(db.manager)) return db.transaction(work);
  return retryingLocks(() => db.dataSource.transaction("READ COMMITTED", work));
}

/**
 * One statement on its own, for a result that a single UPDATE records: a transaction around it
 * would add three round trips (isolation level, BEGIN, COMMIT) to every send. SQLite queues it
 * behind the open transactions (`Database.write`).
 */
export function shortWrite<T>(db: Database, statement: (manager: EntityManager) => Promise<T>): Promise<T> {
  return retryingLocks(() => db.write(statement));
}

async function retryingLocks<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { driverError?: { code?: string } }).driverError?.code ?? "";
      if (attempt >= LOCK_RETRIES || !RETRYABLE_LOCK_ERRORS.has(code)) throw err;
    }
  }
}

/** `list` in slices of `size`, for IN lists and bulk statements. */
export function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
