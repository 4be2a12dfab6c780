import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import "reflect-metadata";
import { createConnection } from "mysql2/promise";
import { DataSource, type DataSourceOptions } from "typeorm";
import type { Config } from "../config";
import { redactUrl } from "../config";
import { AppError } from "../errors";
import { migrations } from "../../migrations";

/**
 * The entity classes to map: the features' (src/features), which the db layer does not know.
 * Classes, not globs, so ts-jest and compiled code map the same set.
 */
export type EntityList = readonly (abstract new (...args: never[]) => object)[];

/**
 * TypeORM options for the configured database. `synchronize` is never on: migrations own the schema.
 * `flavour` says whether a MySQL URL points at MariaDB, whose catalogue TypeORM reads differently.
 */
export function buildDataSourceOptions(config: Pick<Config, "db">, entities: EntityList, flavour: "mysql" | "mariadb" = "mysql"): DataSourceOptions {
  const mapped: NonNullable<DataSourceOptions["entities"]> = [...entities];
  const common = { entities: mapped, migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  if (config.db.kind === "sqlite") {
    return {
      ...common,
      type: "better-sqlite3",
      database: config.db.path === ":memory:" ? ":memory:" : resolve(config.db.path),
      enableWAL: config.db.path !== ":memory:",
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma("busy_timeout = 5000");
      },
    };
  }
  return {
    ...common,
    type: flavour,
    url: config.db.url,
    charset: "utf8mb4_unicode_ci",
    // Dates go in and come out as UTC whatever the server's own time zone is.
    timezone: "Z",
    connectTimeout: 5000,
    // trace: false spares mysql2 a stack capture per query (≈ 5 % of the callback path's CPU, see
    // bench/README.md); our logs never print driver stacks anyway.
    extra: { connectionLimit: 10, trace: false },
  };
}

/** Opens the database and, unless told otherwise, brings its schema up to date. */
export async function openDataSource(config: Pick<Config, "db">, options: { migrate: boolean; entities: EntityList }): Promise<DataSource> {
  if (config.db.kind === "sqlite" && config.db.path !== ":memory:") {
    mkdirSync(dirname(resolve(config.db.path)), { recursive: true });
    ownerOnly(resolve(config.db.path));
  }
  let dataSource: DataSource | undefined;
  try {
    dataSource = new DataSource(buildDataSourceOptions(config, options.entities, config.db.kind === "mysql" ? await detectFlavour(config.db.url) : undefined));
    await dataSource.initialize();
    await dataSource.query("SELECT 1");
    if (options.migrate) await migrateOneAtATime(dataSource);
    if (config.db.kind === "sqlite" && config.db.path !== ":memory:") ownerOnly(resolve(config.db.path));
  } catch (err) {
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    throw describeOpenError(config, err as Error);
  }
  return dataSource as DataSource;
}

/**
 * The SQLite file holds the sealed tips and everyone's chats: readable by the server's user only,
 * like the tip key. Created 0600 before SQLite opens it, so SQLite gives its -wal and -shm files the
 * same mode; an existing file (and companions) made under a looser umask is tightened too.
 */
function ownerOnly(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/**
 * Brings the schema up to date, one process at a time. A fleet restarted together after an
 * upgrade would otherwise run the same migration at once — MySQL's DDL is not transactional, so
 * all but one fail ("Table … already exists") and their processes exit. A named lock per database,
 * held by one connection for the whole run, makes the others wait and then find nothing to do.
 */
async function migrateOneAtATime(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type === "better-sqlite3") {
    await dataSource.runMigrations({ transaction: "each" });
    return;
  }
  const lock = dataSource.createQueryRunner();
  const name = "CONCAT('anshao:migrate:', LEFT(SHA1(DATABASE()), 40))";
  try {
    const [row] = (await lock.query(`SELECT GET_LOCK(${name}, ?) AS got`, [MIGRATION_LOCK_WAIT_S])) as { got: number | string | null }[];
    if (Number(row?.got) !== 1) throw new Error(`another instance has been migrating this database for over ${MIGRATION_LOCK_WAIT_S} s (GET_LOCK timed out)`);
    try {
      await dataSource.runMigrations({ transaction: "each" });
    } finally {
      await lock.query(`SELECT RELEASE_LOCK(${name})`).catch(() => undefined);
    }
  } finally {
    await lock.release();
  }
}

/** How long a starting instance waits for another's migrations (a long data migration included). */
const MIGRATION_LOCK_WAIT_S = 600;

/** Asks the server what it is; MariaDB and MySQL share a protocol but not every catalogue detail. */
async function detectFlavour(url: string): Promise<"mysql" | "mariadb"> {
  const conn = await createConnection({ uri: url, connectTimeout: 5000 });
  try {
    const [rows] = await conn.query("SELECT VERSION() AS version");
    return /mariadb/i.test(String((rows as { version: string }[])[0]?.version)) ? "mariadb" : "mysql";
  } finally {
    await conn.end();
  }
}

function describeOpenError(config: Pick<Config, "db">, err: Error): Error {
  if (config.db.kind === "sqlite") {
    const corrupt = /not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(`${err.message} ${(err as { code?: string }).code}`);
    return corrupt
      ? new AppError("db_corrupt", `SQLite 数据库文件已损坏或不是数据库文件（SQLITE_PATH=${config.db.path}）。请从备份恢复，或移走该文件后重新启动。`, 503)
      : new AppError("db_unavailable", `无法打开 SQLite 数据库（SQLITE_PATH=${config.db.path}）：${err.message}`, 503);
  }
  const code = String((err as { code?: string }).code ?? "");
  if (!/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ER_ACCESS_DENIED_ERROR|ER_BAD_DB_ERROR|ER_DBACCESS_DENIED_ERROR)$/.test(code)) return err;
  return new AppError("db_unreachable", `无法连接数据库（DATABASE_URL=${redactUrl(config.db.url)}）：${err.message}`, 503);
}
