import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { waitFor } from "./cluster";
import { freePort, within } from "./support";

/** Where Debian's mariadb-server puts the two programs (.ci/run checks they exist). */
export const MARIADBD = "/usr/sbin/mariadbd";
export const MARIADB_INSTALL_DB = "/usr/bin/mariadb-install-db";

/**
 * A MariaDB server of a test's own — a data directory in /tmp, its own port — which the test may
 * kill and start again on the same data, as a database host restarting. The machine's shared
 * server is never touched. Grant tables are skipped: it listens on loopback only and lives as
 * long as the test.
 */
export class PrivateMariadb {
  private child?: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `mysql://root@127.0.0.1:<port>/` of the running server. */
  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}/`;
  }

  static async start(): Promise<PrivateMariadb> {
    const dir = mkdtempSync(join(tmpdir(), "anshao-mariadb-"));
    execFileSync(MARIADB_INSTALL_DB, ["--no-defaults", `--datadir=${join(dir, "data")}`, "--skip-test-db", "--skip-name-resolve", "--auth-root-authentication-method=normal", `--user=${process.env.USER ?? "root"}`], { stdio: "ignore" });
    const server = new PrivateMariadb(dir, await freePort());
    await server.up();
    return server;
  }

  /** Starts the server on its data directory and waits until it answers a query. */
  async up(): Promise<void> {
    const log = openSync(join(this.dir, "server.log"), "a");
    const child = spawn(
      MARIADBD,
      [
        "--no-defaults",
        `--datadir=${join(this.dir, "data")}`,
        `--port=${this.port}`,
        "--bind-address=127.0.0.1",
        `--socket=${join(this.dir, "mysqld.sock")}`,
        `--pid-file=${join(this.dir, "mysqld.pid")}`,
        "--user=root",
        "--skip-grant-tables",
        "--skip-log-bin",
        "--innodb-buffer-pool-size=32M",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
      ],
      { stdio: ["ignore", log, log] },
    );
    closeSync(log);
    this.child = child;
    await waitFor(
      "the private MariaDB to answer",
      async () => {
        if (child.exitCode !== null) throw new Error(`mariadbd exited:\n${this.log()}`);
        const conn = await createConnection({ host: "127.0.0.1", port: this.port, user: "root", connectTimeout: 1_000 });
        await conn.query("SELECT 1");
        await conn.end();
        return true;
      },
      60_000,
      200,
    );
  }

  /** Stops the server: SIGKILL as a crashed host, SIGTERM as an orderly restart. */
  async down(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    if ((await within(exited, 30_000)) === null) {
      child.kill("SIGKILL");
      await within(exited, 5_000);
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open and queries hang, as on a stalled host; `resume` thaws it. */
  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, "server.log"), "utf8").split("\n").slice(-20).join("\n");
    } catch {
      return "(no log)";
    }
  }

  async close(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
