import type { EntityManager } from "typeorm";

/**
 * True on MySQL and MariaDB, where rows can be locked (`FOR UPDATE … SKIP LOCKED`) and several
 * connections write at once; false on SQLite's single serialised connection.
 */
export function isMysqlFamily(manager: EntityManager): boolean {
  const type = manager.connection.options.type;
  return type === "mysql" || type === "mariadb";
}

/**
 * True on MariaDB, which has `INSERT … RETURNING` (MySQL 8 has not). The data source's type says
 * so: `openDataSource` asks the server what it is before building it.
 */
export function isMariaDb(manager: EntityManager): boolean {
  return manager.connection.options.type === "mariadb";
}

/** A unique-key violation, as MySQL/MariaDB and SQLite report it. */
export function isDuplicateKeyError(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string; errno?: number } } | null)?.driverError;
  const code = driver?.code ?? (err as { code?: string } | null)?.code ?? "";
  return code === "ER_DUP_ENTRY" || driver?.errno === 1062 || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** MySQL/MariaDB's deadlock (1213) and lock-wait timeout (1205) errnos. */
const LOCK_CONFLICT_ERRNOS = new Set([1213, 1205]);

/**
 * InnoDB chose this transaction as a deadlock victim, or it waited too long for a row lock: the
 * statement failed because of another transaction, and the whole transaction, once rolled back,
 * is safe to run again.
 */
export function isLockConflict(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string; errno?: number } } | null)?.driverError;
  const code = driver?.code ?? (err as { code?: string } | null)?.code ?? "";
  if (code === "ER_LOCK_DEADLOCK" || code === "ER_LOCK_WAIT_TIMEOUT") return true;
  return driver?.errno !== undefined && LOCK_CONFLICT_ERRNOS.has(driver.errno);
}

/**
 * Another transaction got there first: a duplicate key, a lock conflict, or SQLite's busy
 * database. The work is either done by the winner or still due, so callers retry or leave it to
 * the next tick instead of reporting a failure.
 */
export function isLostRace(err: unknown): boolean {
  if (isDuplicateKeyError(err) || isLockConflict(err)) return true;
  const driver = (err as { driverError?: { code?: string } } | null)?.driverError;
  const code = driver?.code ?? (err as { code?: string } | null)?.code ?? "";
  return code.startsWith("SQLITE_BUSY");
}

/**
 * A short, stable code for a failure, for logs and job results: never the message, which may
 * carry personal data (names, accounts) from a query's parameters.
 */
export function failureCode(err: unknown): string {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; name?: unknown } | null;
  const code = e?.driverError?.code ?? e?.code ?? e?.name;
  return typeof code === "string" && code ? code.slice(0, 64) : "error";
}
