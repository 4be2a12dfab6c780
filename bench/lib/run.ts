import type { ChildProcess } from "node:child_process";
import { type Connection, createConnection } from "mysql2/promise";
import { openDataSource } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { watchCpu } from "./proc";

/** The plumbing both benchmarks share: output, waiting for a quiet machine, the throw-away database, child processes. */

/** `2026-11-26T16-55-51`: a results file's name. */
export function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function warn(line: string): void {
  process.stderr.write(`WARNING: ${line}\n`);
}

/** Waits (up to `maxMs`) for half a second in which the machine is less than `thresholdPct` busy. */
export async function waitForQuiet(maxMs: number, thresholdPct = 12): Promise<{ waitedMs: number; quiet: boolean }> {
  const t0 = Date.now();
  for (;;) {
    const w = watchCpu({});
    await sleep(500);
    if (w.stop().machineBusy * 100 < thresholdPct) return { waitedMs: Date.now() - t0, quiet: true };
    if (Date.now() - t0 > maxMs) return { waitedMs: Date.now() - t0, quiet: false };
  }
}

/** Asks a target child to stop (IPC "stop", else SIGTERM) and kills it if it has not gone after `graceMs`. */
export function stopChild(proc: ChildProcess, graceMs = 20_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    proc.once("exit", () => {
      clearTimeout(kill);
      done();
    });
    if (proc.connected) proc.send("stop");
    else proc.kill("SIGTERM");
  });
}

/**
 * Creates `dbName` on this machine's MariaDB (never elsewhere) with the schema exactly as production
 * gets it, the project's migrations; returns the admin connection (to drop it at the end) and its URL.
 */
export async function createBenchDatabase(mysqlUrl: string, dbName: string, opts: { reuse?: boolean } = {}): Promise<{ admin: Connection; dbUrl: string }> {
  const server = new URL(mysqlUrl);
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(server.hostname)) throw new Error("BENCH_MYSQL_URL must point at this machine");
  const admin = await createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
  // `reuse`: a seeded database kept between runs (only the migrations it lacks are run).
  await admin.query(`CREATE DATABASE ${opts.reuse ? "IF NOT EXISTS " : ""}\`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  server.pathname = `/${dbName}`;
  const dbUrl = server.toString();
  const ds = await openDataSource({ db: { kind: "mysql", url: dbUrl } }, { migrate: true, entities });
  await ds.destroy();
  return { admin, dbUrl };
}

/** Reads `--flag value` / `--flag=value` options; numbers must be positive. */
export function flags(argv: string[]) {
  const has = (flag: string) => argv.includes(flag);
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const num = (flag: string, fallback: number) => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
    return n;
  };
  return { has, value, num };
}
