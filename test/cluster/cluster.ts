import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createConnection } from "mysql2/promise";
import { systemClock } from "../../src/clock";
import { type Config, loadConfig } from "../../src/config";
import { Database } from "../../src/db/Database";
import { openDataSource } from "../../src/db/dataSource";
import { Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { entities } from "../../src/features";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { FakeWecom } from "../fakes/fakeWecom";
import { wecomIds } from "../support/accounts";
import { dropTestDatabase, TEST_BOARD_LINK_SECRET, TEST_TIP_KEY } from "../support/backend";
import { CORP } from "../support/wecomApp";
import { ROOT, SERVER_JS } from "./build";
import { within } from "./support";

/**
 * Several app processes — the tsc build started with node, as in production — on their own ports
 * against ONE throw-away MariaDB database and ONE Redis key prefix, with the fake WeChat Work (in
 * this test process) in front. The processes run on the machine's clock, so the fake does too: a
 * callback's timestamp must fall inside the app's replay window, and nothing here fixes the day.
 */

export interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ClusterOptions {
  instances?: number;
  /** Another Redis than TEST_REDIS_URL (a private one a test may stop). */
  redisUrl?: string;
  /** Another MariaDB server than TEST_MYSQL_URL's (a private one a test may stop). */
  mysqlUrl?: string;
  /** Settings on top of the cluster's own, for every process and the in-test services. */
  env?: Record<string, string>;
  /**
   * The processes start together on an EMPTY database and migrate it themselves, as a fleet does
   * after an upgrade; the test loads the demo county afterwards. Otherwise the test migrates and
   * loads the demo county before any process starts.
   */
  fresh?: boolean;
}

/** Bounded polling: `check` until it returns something truthy, or fail with `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 30_000, everyMs = 100): Promise<Exclude<T, false | null | undefined | 0 | "">> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, false | null | undefined | 0 | "">;
    } catch (err) {
      last = err;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await sleep(everyMs);
  }
}

export class Cluster {
  readonly instances: Instance[] = [];
  private readonly extraServices: Services[] = [];

  private constructor(
    readonly fake: FakeWecom,
    /** The processes' settings (the test process reads the same). */
    readonly env: Record<string, string>,
    readonly config: Config,
    readonly dir: string,
  ) {}

  /** The test's own pool on the cluster's database, for seeding and checking. */
  db!: Database;
  /** Every WeChat Work account of the demo county, by person id (as loaded; the tests never change them). */
  private accounts = new Map<number, string>();
  private closed = false;

  /** A fresh database (migrated, with the demo county), the fake with every member, and the processes started. */
  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), "anshao-cluster-"));
    const fake = new FakeWecom({ ...CORP, now: () => systemClock.now().getTime() });
    const apiBase = await fake.start();
    const suffix = randomBytes(4).toString("hex");
    const env: Record<string, string> = {
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: await createDatabase(options.mysqlUrl ?? requireEnv("TEST_MYSQL_URL"), `anshao_t_${suffix}`),
      REDIS_URL: options.redisUrl ?? requireEnv("TEST_REDIS_URL"),
      KV_PREFIX: `as:cluster:${suffix}:`,
      TIP_IDENTITY_KEY: TEST_TIP_KEY,
      BOARD_LINK_SECRET: TEST_BOARD_LINK_SECRET,
      WECOM_CORP_ID: CORP.corpId,
      WECOM_AGENT_ID: String(CORP.agentId),
      WECOM_SECRET: CORP.secret,
      WECOM_TOKEN: CORP.token,
      WECOM_ENCODING_AES_KEY: CORP.encodingAesKey,
      WECOM_API_BASE: apiBase,
      MEDIA_DIR: join(dir, "media"),
      DEMO: "false",
      // The scheduler elects one instance a minute; the tests drive the jobs' domain functions
      // on every instance at once instead (see tickers()).
      JOBS_ENABLED: "false",
      // No quiet hours: routine messages go at once whatever the hour the test runs at.
      QUIET_HOURS: "00:00-00:00",
      OUTBOX_POLL_MS: "100",
      SHUTDOWN_TIMEOUT_MS: "10000",
      ...options.env,
    };
    const config = loadConfig(env);
    const cluster = new Cluster(fake, env, config, dir);
    // Every start settles before a failure is thrown, so close() sees (and kills) every child.
    const spawnAll = async () => {
      const started = await Promise.allSettled(Array.from({ length: options.instances ?? 3 }, (_, i) => cluster.spawn(`app${i + 1}`)));
      const failed = started.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
    };
    try {
      // Migrated here, once, before any process starts (each then finds nothing to do), unless
      // the processes are to do it themselves.
      if (options.fresh) await spawnAll();
      const db = (cluster.db = new Database(await openDataSource(config, { migrate: !options.fresh, entities })));
      await loadDemo(db, systemClock);
      cluster.accounts = await wecomIds(db.manager);
      for (const p of await db.manager.find(Person, { where: { active: true } })) {
        const userid = cluster.accounts.get(p.id);
        if (userid) fake.addUser({ userid, name: p.name, department: [1] });
      }
      if (!options.fresh) await spawnAll();
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  /** The active people with a WeChat Work account (the fake knows each of them), by id. */
  async members(): Promise<Person[]> {
    return (await this.db.manager.find(Person, { where: { active: true }, order: { id: "ASC" } })).filter((p) => this.accounts.has(p.id));
  }

  /** A person's WeChat Work account, or null when they have none. */
  wecomIdOf(person: Pick<Person, "id">): string | null {
    return this.accounts.get(person.id) ?? null;
  }

  /** The WeChat Work account of a person the test knows to have one. */
  wecomId(person: Pick<Person, "id">): string {
    const id = this.accounts.get(person.id);
    if (id === undefined) throw new Error(`person #${person.id} has no WeChat Work account`);
    return id;
  }

  /** Starts one more process (also to replace a killed one) and waits until it listens. */
  async spawn(name: string): Promise<Instance> {
    const logFile = join(this.dir, `${name}.log`);
    const fd = openSync(logFile, "a");
    const child = spawn(process.execPath, [SERVER_JS], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...this.env, INSTANCE_ID: name }, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const started = await waitFor(
      `${name} to listen`,
      () => {
        if (child.exitCode !== null || child.signalCode !== null) return { exited: true, url: "" };
        const log = readFileSync(logFile, "utf8");
        const url = /"msg":"anshao listening"/.test(log) ? /"url":"(http:\/\/[^"]+)"/.exec(log)?.[1] : undefined;
        return url ? { exited: false, url } : undefined;
      },
      60_000,
    ).catch((err: Error) => {
      child.kill("SIGKILL");
      throw new Error(`${err.message}\n${this.tail(logFile)}`);
    });
    if (started.exited) throw new Error(`${name} exited while starting:\n${this.tail(logFile)}`);
    const url = started.url;
    const instance = { name, url, child, logFile, exited };
    this.instances.push(instance);
    if (this.closed) child.kill("SIGKILL");
    return instance;
  }

  /** The running instances (not killed, not exited). */
  get live(): Instance[] {
    return this.instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null);
  }

  /**
   * Services built as each process builds them, on their own pools, in this test process: the
   * jobs' domain functions are driven on N of them at once, as N schedulers that all fired would.
   */
  async tickers(n: number): Promise<Services[]> {
    const log = createLogger({ level: "silent" });
    while (this.extraServices.length < n) this.extraServices.push(await buildServices(this.config, log, systemClock));
    return this.extraServices.slice(0, n);
  }

  /** The last lines of every process's log, to print when a test fails. */
  logs(lines = 30): string {
    return this.instances.map((i) => `── ${i.name} (${i.logFile}) ──\n${this.tail(i.logFile, lines)}`).join("\n");
  }

  /** Every log line of every process, parsed (pino JSON). */
  logEntries(): Record<string, unknown>[] {
    return this.instances.flatMap((i) =>
      readFileSync(i.logFile, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => ({ instance: i.name, ...(JSON.parse(l) as Record<string, unknown>) })),
    );
  }

  private tail(file: string, lines = 30): string {
    try {
      return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** Kills every process still running, closes the in-test services and pools, drops the database. */
  async close(): Promise<void> {
    this.closed = true;
    for (const i of this.live) i.child.kill("SIGKILL");
    await within(Promise.all(this.instances.map((i) => i.exited)), 5_000);
    for (const s of this.extraServices.splice(0)) await s.close().catch(() => undefined);
    await this.fake.stop();
    if (this.db?.dataSource.isInitialized) await this.db.close().catch(() => undefined);
    await dropTestDatabase(this.config).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An admin-API token of the demo county's first duty officer, as `npm run token` issues it. */
  async dutyOfficerToken(): Promise<{ token: string; person: Person }> {
    const officer = (await this.db.manager.find(Person, { where: { active: true }, order: { id: "ASC" } })).find((p) => p.roles.includes("duty_officer") && p.mobile);
    if (!officer?.mobile) throw new Error("the demo county has no duty officer with a mobile");
    return issueApiToken(this.db, systemClock, officer.mobile, "集群测试");
  }
}

/** A throw-away database on the `serverUrl` server; the name is one CI's cleanup knows. */
async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const server = new URL(serverUrl);
  const conn = await createConnection({ host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username), password: decodeURIComponent(server.password) });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  server.pathname = `/${name}`;
  return server.toString();
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the cluster tests run on MariaDB + Redis`);
  return value;
}
