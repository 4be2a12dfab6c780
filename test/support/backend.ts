import { randomBytes } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { type Config, loadConfig } from "../../src/config";
import { openDataSource } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { Database } from "../../src/db/Database";
import { openKv, type KeyValue } from "../../src/kv";

export type Backend = "embedded" | "mysql";

/** Which backend this jest project runs the integration suites on. */
export function backend(): Backend {
  return (globalThis as { __ANSHAO_BACKEND__?: Backend }).__ANSHAO_BACKEND__ ?? "embedded";
}

/**
 * A config for this backend. On MariaDB every test file gets a database of its own (created
 * here, dropped by `dropTestDatabase`), so files run in parallel without sharing rows; on Redis
 * every file gets a key prefix of its own.
 */
/** The tipster-identity key of the MariaDB test runs (production must set its own; see .env.example). */
export const TEST_TIP_KEY = randomBytes(32).toString("base64");
/** The 叫应 board links' signing key of the MariaDB test runs (required with DATABASE_URL). */
export const TEST_BOARD_LINK_SECRET = randomBytes(32).toString("hex");

export async function testConfig(overrides: Record<string, string> = {}): Promise<Config> {
  const suffix = randomBytes(4).toString("hex");
  if (backend() === "embedded") {
    return loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", SQLITE_PATH: ":memory:", JOBS_ENABLED: "false", DEMO: "false", ...overrides });
  }
  const server = new URL(requireEnv("TEST_MYSQL_URL"));
  const name = `anshao_t_${suffix}`;
  const conn = await createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  server.pathname = `/${name}`;
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: server.toString(),
    REDIS_URL: requireEnv("TEST_REDIS_URL"),
    KV_PREFIX: `as:test:${suffix}:`,
    TIP_IDENTITY_KEY: TEST_TIP_KEY,
    BOARD_LINK_SECRET: TEST_BOARD_LINK_SECRET,
    JOBS_ENABLED: "false",
    DEMO: "false",
    ...overrides,
  });
}

/** Drops the per-file MariaDB database made by `testConfig`; nothing to do on SQLite in memory. */
export async function dropTestDatabase(config: Config): Promise<void> {
  if (config.db.kind !== "mysql") return;
  const url = new URL(config.db.url);
  const conn = await createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  await conn.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
  await conn.end();
}

export interface TestStores {
  config: Config;
  db: Database;
  kv: KeyValue;
  close(): Promise<void>;
}

/** A migrated database and a kv store on this project's backend, torn down by `close()`. */
export async function openTestStores(overrides: Record<string, string> = {}): Promise<TestStores> {
  const config = await testConfig(overrides);
  const db = new Database(await openDataSource(config, { migrate: true, entities }));
  const kv = await openKv(config);
  return {
    config,
    db,
    kv,
    async close() {
      await kv.close();
      await db.close();
      await dropTestDatabase(config);
    },
  };
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
