import type { EntityManager } from "typeorm";

/**
 * True on MySQL and MariaDB, where rows can be locked (`FOR UPDATE … SKIP LOCKED`) and several
 * connections write at once; false on SQLite's single serialised connection.
 */
export function isMysqlFamily(manager: EntityManager): boolean {
  const type = manager.connection.options.type;
  return type === "mysql" || type === "mariadb";
}

/** A unique-key violation, as MySQL/MariaDB and SQLite report it. */
export function isDuplicateKeyError(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string; errno?: number } } | null)?.driverError;
  const code = driver?.code ?? (err as { code?: string } | null)?.code ?? "";
  return code === "ER_DUP_ENTRY" || driver?.errno === 1062 || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
