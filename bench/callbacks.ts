import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { join, resolve } from "node:path";
import Redis from "ioredis";
import { type Connection, createConnection } from "mysql2/promise";
import { benchAppEnv, readyPort } from "./lib/appEnv";
import { Cursor, type Envelope, EnvelopePool } from "./lib/envelopes";
import { paced, type PacedResult, saturate, type SaturationResult } from "./lib/load";
import { pidsNamed, watchCpu } from "./lib/proc";
import { removeKeys } from "./lib/redisKeys";
import { createBenchDatabase, flags, say, sleep, stamp, stopChild, waitForQuiet, warn } from "./lib/run";
import { fmt, median, table } from "./lib/report";
import { summarizeProfile } from "./profile";
import type { TargetName } from "./targets/server";

/**
 * `npm run bench:callbacks [-- --quick]`: the WeChat Work callback benchmark of issue 3.
 *
 * Four targets, each in a child process of its own, measured in alternating rounds
 * (hello, minimal, peer, full, hello, …) by a closed-loop load generator (autocannon) in this
 * process, on 127.0.0.1 only; then the full path alone at a fixed rate (open loop). Every request
 * to the full path is a different message, so each one is a real INSERT. Bounded in time (every
 * run has a duration and the whole benchmark a deadline) and in count (a fixed pool of envelopes).
 */

interface Options {
  quick: boolean;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  rate: number;
  rateDurationS: number;
  pool: number;
  pin: boolean;
  /** Before each run, wait up to this long for the machine to be idle (other people's work is noise). */
  quietWaitS: number;
  /** A round during which other processes kept more than this share of the machine busy is measured again… */
  maxNoisePct: number;
  /** …up to this many times; the least disturbed attempt counts. */
  retries: number;
  profile: boolean;
  only: TargetName[];
  logLevel: string;
  mysqlUrl: string;
  redisUrl: string;
}

interface TargetInfo {
  name: TargetName;
  letter: string;
  label: string;
  /** Writes inbox rows: gets envelopes never sent before, and its rows are counted. */
  stores: boolean;
  /** Needs the bench database and Redis. */
  backend: boolean;
  /** Only with --only: diagnostics, not part of the default run. */
  optional?: boolean;
}

const TARGETS: TargetInfo[] = [
  { name: "hello", letter: "A", label: "bare Koa hello", stores: false, backend: false },
  { name: "minimal", letter: "B", label: "minimal verify-decrypt-parse (@wecom/crypto + fast-xml-parser)", stores: false, backend: false },
  { name: "peer", letter: "C", label: "wechat-enterprise middleware (peer)", stores: false, backend: false },
  { name: "full", letter: "D", label: "Anshao full path (createApp + InboxService on MariaDB + Redis)", stores: true, backend: true },
  { name: "route", letter: "E", label: "diagnostic: D with the inbox stubbed (stores nothing)", stores: false, backend: true, optional: true },
  { name: "unbatched", letter: "F", label: "diagnostic: D without batching (one INSERT + one UPDATE per callback)", stores: true, backend: true, optional: true },
];

const info = (name: TargetName): TargetInfo => TARGETS.find((t) => t.name === name) as TargetInfo;

const BUILD_DIR = resolve(__dirname, "..");
const SERVER_JS = join(__dirname, "targets", "server.js");
const RESULTS_DIR = join(BUILD_DIR, "results");
const PROFILES_DIR = join(BUILD_DIR, "profiles");

function parseArgs(argv: string[]): Options {
  const { has, value, num } = flags(argv);
  if (has("--help") || has("-h")) {
    process.stdout.write(
      [
        "npm run bench:callbacks [-- options]",
        "  --quick               3 rounds of 3 s, 5 s at the fixed rate (about 2–3 minutes)",
        "  --rounds N            alternating rounds per target (default 5; at least 3)",
        "  --duration S          seconds per round (default 10)",
        "  --warmup S            seconds of warm-up per target before the rounds (default 5)",
        "  --connections N       closed-loop connections (default 50)",
        "  --rate N              fixed-rate run of the full path (and of unbatched when chosen), callbacks/s (default 1000)",
        "  --rate-duration S     seconds of the fixed-rate run (default 20)",
        "  --pool N              envelopes made up front (default 200000; topped up between rounds)",
        "  --quiet-wait S        before each run wait up to S s for an idle machine (default 15; quick 10)",
        "  --max-noise PCT       measure a round again when other processes used more than PCT % of the",
        "                        machine during it (default 25) …",
        "  --retries N           … up to N times, keeping the least disturbed attempt (default 2; quick 1)",
        "  --no-pin              do not pin the servers to CPU 1 and the load generator to CPU 0",
        "  --only hello,full     a subset of hello,minimal,peer,full (default: all four), plus the diagnostics",
        "                        route (D with the inbox stubbed) and unbatched (D with one INSERT + one UPDATE per callback)",
        "  --profile             run the full path under node --cpu-prof and summarise where the time goes",
        "  --log-level LEVEL     LOG_LEVEL of the targets built on createApp (default info, written to /dev/null)",
        "  env BENCH_MYSQL_URL (mysql://root@127.0.0.1:3306), BENCH_REDIS_URL (redis://127.0.0.1:6379)",
        "",
      ].join("\n"),
    );
    process.exit(0);
  }
  const quick = has("--quick");
  const only = (value("--only") ?? TARGETS.filter((t) => !t.optional).map((t) => t.name).join(",")).split(",").map((s) => s.trim()) as TargetName[];
  for (const t of only) if (!TARGETS.some((x) => x.name === t)) throw new Error(`--only: unknown target ${t}`);
  const rounds = num("--rounds", quick ? 3 : 5);
  if (rounds < 3 && !has("--allow-few-rounds")) throw new Error("--rounds must be at least 3");
  return {
    quick,
    rounds,
    durationS: num("--duration", quick ? 3 : 10),
    warmupS: num("--warmup", quick ? 2 : 5),
    connections: num("--connections", 50),
    rate: num("--rate", 1000),
    rateDurationS: num("--rate-duration", quick ? 5 : 20),
    pool: num("--pool", quick ? 40_000 : 200_000),
    pin: !has("--no-pin") && machineCores() >= 2 && existsSync("/usr/bin/taskset"),
    quietWaitS: num("--quiet-wait", quick ? 10 : 15),
    maxNoisePct: num("--max-noise", 25),
    retries: has("--no-retries") ? 0 : num("--retries", quick ? 1 : 2),
    profile: has("--profile"),
    only,
    logLevel: value("--log-level") ?? "info",
    mysqlUrl: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306",
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  };
}

// ————————————————————————————————————————————— resources we create and must remove

interface Resources {
  dbName: string;
  dbUrl: string;
  kvPrefix: string;
  admin?: Connection;
  children: Map<TargetName, Child>;
}

interface Child {
  name: TargetName;
  proc: ChildProcess;
  port: number;
}

async function cleanup(o: Options, r: Resources): Promise<void> {
  await Promise.all([...r.children.values()].map((c) => stopChild(c.proc, 15_000)));
  if (r.admin) {
    await r.admin.query(`DROP DATABASE IF EXISTS \`${r.dbName}\``).catch((err: Error) => warn(`could not drop ${r.dbName}: ${err.message}`));
    await r.admin.end().catch(() => undefined);
    r.admin = undefined;
  }
  await removeKeys(o.redisUrl, r.kvPrefix).catch((err: Error) => warn(`could not remove the ${r.kvPrefix}* keys from Redis: ${err.message}`));
}

// ————————————————————————————————————————————— child processes

function childEnv(o: Options, r: Resources): NodeJS.ProcessEnv {
  // The callback path never seals an identity nor sends: no fake platform, no jobs.
  return benchAppEnv({ logLevel: o.logLevel, dbUrl: r.dbUrl, redisUrl: o.redisUrl, kvPrefix: r.kvPrefix, jobs: false });
}

async function startChild(name: TargetName, o: Options, r: Resources): Promise<Child> {
  const execArgv: string[] = [];
  if (o.profile && name === "full") {
    mkdirSync(PROFILES_DIR, { recursive: true });
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${PROFILES_DIR}`, `--cpu-prof-name=full-${stamp()}.cpuprofile`);
  }
  const nodeArgs = [...execArgv, SERVER_JS, name];
  // stdout (the full path's JSON log lines) goes to /dev/null; stderr stays visible.
  const stdio: ("ignore" | "inherit" | "ipc")[] = ["ignore", "ignore", "inherit", "ipc"];
  const proc = o.pin
    ? spawn("taskset", ["-c", "1", process.execPath, ...nodeArgs], { env: childEnv(o, r), stdio })
    : spawn(process.execPath, nodeArgs, { env: childEnv(o, r), stdio });
  const port = await readyPort(proc, name);
  const child = { name, proc, port };
  r.children.set(name, child);
  return child;
}

// ————————————————————————————————————————————— checks

function post(port: number, e: Envelope, tamper = false): Promise<number> {
  const path = tamper ? e.path.replace(/msg_signature=([0-9a-f])/, (_m, c: string) => `msg_signature=${c === "0" ? "1" : "0"}`) : e.path;
  return new Promise((done, fail) => {
    const req = http.request({ host: "127.0.0.1", port, method: "POST", path, headers: { "content-type": "text/xml" }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", fail);
    req.end(e.body);
  });
}

/** Every target must answer a genuine callback 200 and a forged signature 401 — or we measure nothing. */
async function sanityCheck(c: Child, cursor: Cursor, db: Connection | undefined): Promise<void> {
  if (c.name === "hello") return;
  const e = cursor.take();
  const forged = await post(c.port, e, true);
  const first = await post(c.port, e);
  if (forged !== 401 || first !== 200) throw new Error(`${c.name}: sanity check failed (forged → ${forged}, genuine → ${first}); expected 401 and 200`);
  if (info(c.name).stores && db) {
    // WeChat Work's retry of the same message: answered 200 again, stored once.
    const retry = await post(c.port, e);
    const [rows] = await db.query("SELECT COUNT(*) AS n FROM inbound_events WHERE event_key = ?", [e.eventKey]);
    const n = Number((rows as { n: number }[])[0].n);
    if (retry !== 200 || n !== 1) throw new Error(`${c.name}: de-duplication check failed (retry → ${retry}, rows → ${n}); expected 200 and 1`);
  }
}

async function inboxCounts(db: Connection): Promise<{ pending: number; processing: number; failed: number; total: number }> {
  const [rows] = await db.query("SELECT status, COUNT(*) AS n FROM inbound_events GROUP BY status");
  const by = Object.fromEntries((rows as { status: string; n: number }[]).map((x) => [x.status, Number(x.n)]));
  return { pending: by.pending ?? 0, processing: by.processing ?? 0, failed: by.failed ?? 0, total: Object.values(by).reduce((a, b) => a + b, 0) };
}

/** Events accepted but not dispatched yet (the backlog a round leaves behind). */
async function pendingRows(db: Connection): Promise<number> {
  const c = await inboxCounts(db);
  return c.pending + c.processing;
}

/**
 * Waits until the full path has dispatched what it accepted, so no round inherits its work. A
 * request the load generator cut at the end of a round can be stored without its answer going
 * out; its row stays processing (pending, for rows stored before the pre-claimed insert) for the redrive job (off here), so
 * "settled" means the count of open rows has stopped moving.
 */
async function settle(name: TargetName, db: Connection | undefined): Promise<void> {
  const t0 = Date.now();
  if (info(name).stores && db) {
    let last = -1;
    let stable = 0;
    for (;;) {
      const c = await inboxCounts(db);
      const open = c.pending + c.processing;
      stable = open === last ? stable + 1 : 0;
      // Nothing moved for 0.6 s: what is left was cut by the load generator and waits for the redrive.
      if (stable >= 2) break;
      last = open;
      if (Date.now() - t0 > 120_000) throw new Error(`${name}: events still being dispatched 120 s after the round`);
      await sleep(300);
    }
  }
  await sleep(500);
}

// ————————————————————————————————————————————— main

interface CpuUse {
  /** CPU seconds during the run. */
  server: number;
  db: number;
  kv: number;
  loadgen: number;
  /** Share of all cores busy (0..1). */
  machineBusy: number;
  /** Percent of all cores busy with work that was none of the above (other people's jobs). */
  otherPct: number;
}

interface Round {
  target: TargetName;
  round: number;
  result: SaturationResult;
  cpu: CpuUse;
  /** Whether the machine was quiet when the round started. */
  quiet: boolean;
  /** Storing targets: rows accepted but not yet dispatched when the round ended (incl. requests the load generator cut). */
  backlog?: number;
  /** How many times the round was measured (more than 1 when other processes disturbed it). */
  attempts: number;
}

type Fixed = PacedResult & { target: TargetName; cpu: CpuUse; quiet: boolean; backlog: number };

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const tag = randomBytes(4).toString("hex");
  const r: Resources = { dbName: `anshao_bench_${tag}`, dbUrl: "", kvPrefix: `as:bench:${tag}:`, children: new Map() };
  const chosen = TARGETS.filter((t) => o.only.includes(t.name));
  const storing = chosen.filter((t) => t.stores);
  const rounds: Round[] = [];
  const fixed: Fixed[] = [];
  let verification: Record<string, number | boolean> | undefined;
  let db: Connection | undefined;

  // Bounded in time whatever happens: the planned work plus a generous margin.
  const plannedS = chosen.length * (o.warmupS + o.rounds * (o.durationS + o.quietWaitS + 3)) + storing.length * (o.rateDurationS + o.quietWaitS + 30) + 240;
  const deadline = setTimeout(() => {
    warn(`benchmark exceeded its ${Math.round(plannedS * 1.5)} s bound; stopping`);
    void cleanup(o, r).finally(() => process.exit(2));
  }, plannedS * 1500);
  deadline.unref();
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      warn(`${signal}: cleaning up`);
      void cleanup(o, r).finally(() => process.exit(130));
    });
  }

  try {
    if (o.pin) execFileSync("taskset", ["-a", "-c", "-p", "0", String(process.pid)], { stdio: "ignore" });
    const machine = await describeMachine(o);
    say(`machine: ${machine.nproc} × ${machine.cpu}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.mariadb}, Redis ${machine.redis}`);
    say(`background load before start: ${fmt(machine.backgroundBusyPct, 0)} % of all cores busy (load average ${machine.loadavg})`);
    if (machine.backgroundBusyPct > 15) warn("the machine is not idle: other work will add noise (the alternating rounds spread it over all targets)");
    say(
      `plan: ${o.rounds} alternating rounds × ${o.durationS} s of ${chosen.map((t) => `${t.letter} ${t.name}`).join(", ")} at ${o.connections} connections` +
        `${storing.length ? `, then ${storing.map((t) => t.name).join(" and ")} at ${o.rate}/s for ${o.rateDurationS} s` : ""}; ` +
        `${o.pin ? "servers pinned to CPU 1, load generator to CPU 0" : "no CPU pinning"}`,
    );

    if (chosen.some((t) => t.backend)) {
      ({ admin: r.admin, dbUrl: r.dbUrl } = await createBenchDatabase(o.mysqlUrl, r.dbName));
      db = await createConnection({ uri: r.dbUrl });
      say(`database ${r.dbName} created and migrated; Redis key prefix ${r.kvPrefix}`);
    }

    const t0 = Date.now();
    const pool = new EnvelopePool();
    pool.grow(o.pool);
    say(`${fmt(pool.size)} encrypted callbacks made in ${fmt((Date.now() - t0) / 1000, 1)} s (each a different message)`);
    const cycling = new Cursor(pool, "cycling"); // minimal, peer, route: same payloads, nothing stored
    const unique = new Cursor(pool, "unique"); // storing targets: never the same message twice
    const sourceFor = (name: TargetName): Cursor | "hello" => (name === "hello" ? "hello" : info(name).stores ? unique : cycling);

    const children: Child[] = [];
    for (const t of chosen) children.push(await startChild(t.name, o, r));
    for (const c of children) await sanityCheck(c, sourceFor(c.name) === unique ? unique : cycling, db);
    say(`targets up: ${children.map((c) => `${c.name} :${c.port}`).join(", ")}; each answered a genuine callback 200 and a forged one 401`);

    // Topping up happens between runs, never while a server is measured.
    let peak = 5000;
    const ensure = (seconds: number) => {
      const need = Math.ceil(peak * 1.5 * seconds) + 1000;
      if (unique.remaining < need) {
        const add = need - unique.remaining;
        pool.grow(add);
        say(`  (pool topped up by ${fmt(add)} envelopes)`);
      }
    };

    for (const c of children) {
      await settle(c.name, db);
      if (info(c.name).stores) ensure(o.warmupS);
      await saturate({ port: c.port, connections: o.connections, durationS: o.warmupS, source: sourceFor(c.name) });
    }
    say(`warm-up done (${o.warmupS} s each)`);

    const mariadb = pidsNamed("mariadbd", "mysqld");
    const redis = pidsNamed("redis-server");
    // CPU of everything that is ours (server, MariaDB, Redis, load generator) and of the rest.
    const measured = async <T>(c: Child, run: () => Promise<T>): Promise<{ result: T; cpu: CpuUse; quiet: boolean; backlog?: number }> => {
      await settle(c.name, db);
      const q = await waitForQuiet(o.quietWaitS * 1000);
      const before = info(c.name).stores && db ? await pendingRows(db) : 0;
      const backend = info(c.name).backend;
      const watch = watchCpu({ server: [c.proc.pid as number], db: backend ? mariadb : [], kv: backend ? redis : [] });
      const result = await run();
      const u = watch.stop();
      const backlog = info(c.name).stores && db ? (await pendingRows(db)) - before : undefined;
      const ours = u.groups.server + u.groups.db + u.groups.kv + u.groups.loadgen;
      const cores = machineCores();
      const otherPct = Math.max(0, ((u.machineBusy * cores * u.wallS - ours) / (cores * u.wallS)) * 100);
      return { result, quiet: q.quiet, backlog, cpu: { server: u.groups.server, db: u.groups.db, kv: u.groups.kv, loadgen: u.groups.loadgen, machineBusy: u.machineBusy, otherPct } };
    };

    for (let round = 1; round <= o.rounds; round++) {
      for (const c of children) {
        let m: Awaited<ReturnType<typeof measured<SaturationResult>>> | undefined;
        let attempts = 0;
        for (;;) {
          if (info(c.name).stores) ensure(o.durationS);
          const attempt = await measured(c, () => saturate({ port: c.port, connections: o.connections, durationS: o.durationS, source: sourceFor(c.name) }));
          attempts++;
          if (!m || attempt.cpu.otherPct < m.cpu.otherPct) m = attempt;
          if (m.cpu.otherPct <= o.maxNoisePct || attempts > o.retries) break;
          say(`  (round ${round} ${c.name}: other processes used ${fmt(attempt.cpu.otherPct)} % of the machine; measuring again)`);
        }
        const result = m.result;
        if (info(c.name).stores) peak = Math.max(peak, result.reqPerS);
        rounds.push({ target: c.name, round, result, cpu: m.cpu, quiet: m.quiet, backlog: m.backlog, attempts });
        const perReq = (cpuS: number) => fmt((cpuS / Math.max(result.ok, 1)) * 1e6);
        say(
          `round ${round} ${info(c.name).letter} ${c.name.padEnd(7)} ${fmt(result.reqPerS).padStart(7)} req/s  p50 ${fmt(result.p50, 1)} ms  p99 ${fmt(result.p99, 1)} ms` +
            `  server CPU ${perReq(m.cpu.server)} µs/req` +
            (info(c.name).backend ? `  MariaDB ${perReq(m.cpu.db)} µs/req  Redis ${perReq(m.cpu.kv)} µs/req` : "") +
            (m.backlog !== undefined ? `  backlog ${m.backlog}` : "") +
            `  machine ${fmt(m.cpu.machineBusy * 100)} % (not ours ${fmt(m.cpu.otherPct)} %${m.quiet ? "" : ", started without a quiet moment"})` +
            (result.non2xx || result.errors ? `  NON-2XX ${result.non2xx} ERRORS ${result.errors}` : ""),
        );
      }
    }

    // The fixed-rate run: the full path (and unbatched, when chosen), open loop.
    for (const c of children.filter((x) => info(x.name).stores)) {
      ensure(o.rateDurationS);
      const m = await measured(c, () => paced({ port: c.port, rate: o.rate, durationS: o.rateDurationS, source: unique }));
      const result = m.result;
      fixed.push({ ...result, target: c.name, cpu: m.cpu, quiet: m.quiet, backlog: m.backlog ?? 0 });
      say(
        `fixed rate ${info(c.name).letter} ${c.name}: ${fmt(result.sent)} sent at ${o.rate}/s, answered at ${fmt(result.achievedPerS)}/s: p50 ${fmt(result.fromDue.p50, 1)} ms  p99 ${fmt(result.fromDue.p99, 1)} ms  ` +
          `p99.9 ${fmt(result.fromDue.p999, 1)} ms  max ${fmt(result.fromDue.max, 1)} ms  failed ${result.failed}  ` +
          `machine ${fmt(m.cpu.machineBusy * 100)} % (not ours ${fmt(m.cpu.otherPct)} %)`,
      );
    }

    if (db && storing.length) {
      // Every request to a storing target was a different message: count what was stored and dispatched.
      await settle(storing[0].name, db);
      const [rows] = await db.query("SELECT COUNT(*) AS n, COUNT(DISTINCT event_key) AS keys_ FROM inbound_events");
      const row = (rows as { n: number; keys_: number }[])[0];
      const counts = await inboxCounts(db);
      const stored = Number(row.n);
      const open = counts.pending + counts.processing;
      const answered = rounds.filter((x) => info(x.target).stores).reduce((a, x) => a + x.result.ok, 0) + fixed.reduce((a, x) => a + x.ok, 0);
      // Runs that end with requests in flight: each target's warm-up and round attempts; plus fixed-rate requests
      // that timed out (the client gave up, so no answer went out and nothing was dispatched).
      const cutRuns = storing.length + rounds.filter((x) => info(x.target).stores).reduce((a, x) => a + x.attempts, 0);
      const gaveUp = fixed.reduce((a, x) => a + x.failed, 0);
      verification = {
        envelopesSent: unique.used,
        answered2xxInMeasuredRuns: answered,
        rowsStored: stored,
        distinctKeys: Number(row.keys_),
        rowsDone: stored - open - counts.failed,
        leftOpenForRedrive: open,
        failed: counts.failed,
        reusedEnvelopes: unique.reused,
        ok: unique.reused === 0 && stored === Number(row.keys_) && stored <= unique.used && stored >= answered && counts.failed === 0 && open <= cutRuns * o.connections + gaveUp,
      };
      say(
        `stored: ${fmt(stored)} rows, ${fmt(Number(row.keys_))} distinct keys, for ${fmt(unique.used)} envelopes sent (warm-up included); ` +
          `${fmt(open)} left open for the redrive job (requests the load generator cut at the end of a run: stored, but the answer never went out, so no dispatch)`,
      );
      if (!verification.ok) warn(`verification FAILED: ${JSON.stringify(verification)}`);
    }

    const full = r.children.get("full");
    if (o.profile && full) {
      await stopChild(full.proc, 15_000);
      await sleep(500);
      const latest = readdirSync(PROFILES_DIR).filter((f) => f.startsWith("full-")).sort().pop();
      if (latest) {
        say(`\nprofile of the full path: ${join(PROFILES_DIR, latest)}`);
        process.stdout.write(`${summarizeProfile(JSON.parse(readFileSync(join(PROFILES_DIR, latest), "utf8")))}\n`);
      }
    }

    const report = buildReport(o, machine, rounds, fixed, verification);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = join(RESULTS_DIR, `callbacks-${stamp()}${o.quick ? "-quick" : ""}`);
    writeFileSync(`${base}.json`, `${JSON.stringify({ options: o, machine, rounds, fixed, verification }, null, 2)}\n`);
    writeFileSync(`${base}.md`, `${report}\n`);
    process.stdout.write(`\n${report}\n\nresults: ${base}.json and .md\n`);
  } finally {
    clearTimeout(deadline);
    if (db) await db.end().catch(() => undefined);
    if (!interrupted) await cleanup(o, r);
  }
}

interface Machine {
  nproc: number;
  cpu: string;
  memGiB: string;
  node: string;
  kernel: string;
  mariadb: string;
  redis: string;
  innodbFlushLogAtTrxCommit: string;
  loadavg: string;
  backgroundBusyPct: number;
}

async function describeMachine(o: Options): Promise<Machine> {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const cpu = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  let mariadb = "MariaDB not reached";
  let flush = "?";
  try {
    const u = new URL(o.mysqlUrl);
    const conn = await createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
    const [v] = await conn.query("SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS f");
    mariadb = `MariaDB ${String((v as { v: string }[])[0].v)}`;
    flush = String((v as { f: string }[])[0].f);
    await conn.end();
  } catch (err) {
    if (o.only.some((t) => info(t).backend)) throw new Error(`cannot reach MariaDB at BENCH_MYSQL_URL: ${(err as Error).message}`);
  }
  let redisVersion = "not reached";
  const redis = new Redis(o.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?";
  } catch (err) {
    if (o.only.some((t) => info(t).backend)) throw new Error(`cannot reach Redis at BENCH_REDIS_URL: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
  const idle = watchCpu({});
  await sleep(1000);
  const background = idle.stop();
  return {
    nproc: machineCores(),
    cpu,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    kernel: os.release(),
    mariadb,
    redis: redisVersion,
    innodbFlushLogAtTrxCommit: flush,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(" "),
    backgroundBusyPct: background.machineBusy * 100,
  };
}

function buildReport(o: Options, m: Machine, rounds: Round[], fixed: Fixed[], verification: Record<string, number | boolean> | undefined): string {
  const by = (name: TargetName) => rounds.filter((x) => x.target === name);
  const med = (name: TargetName, f: (x: Round) => number) => median(by(name).map(f));
  const rps = (name: TargetName) => med(name, (x) => x.result.reqPerS);
  const has = (name: TargetName) => o.only.includes(name);
  const rows = TARGETS.filter((t) => has(t.name)).map((t) => {
    const rs = by(t.name).map((x) => x.result.reqPerS);
    const perReq = (f: (x: Round) => number) => med(t.name, (x) => (f(x) / Math.max(x.result.ok, 1)) * 1e6);
    return [
      `${t.letter}. ${t.label}`,
      fmt(rps(t.name)),
      `${fmt(Math.min(...rs))}–${fmt(Math.max(...rs))}`,
      fmt(med(t.name, (x) => x.result.p50), 1),
      fmt(med(t.name, (x) => x.result.p99), 1),
      fmt(perReq((x) => x.cpu.server)),
      t.backend ? `${fmt(perReq((x) => x.cpu.db))} / ${fmt(perReq((x) => x.cpu.kv))}` : "",
      fmt(med(t.name, (x) => x.cpu.machineBusy * 100)),
      fmt(med(t.name, (x) => x.cpu.otherPct)),
    ];
  });
  const ratio = (a: TargetName, b: TargetName) => (has(a) && has(b) ? rps(a) / rps(b) : NaN);
  // The same ratio from the CPU each request cost (server + MariaDB + Redis): less sensitive to other people's load.
  const cpuPerReq = (name: TargetName) => med(name, (x) => (x.cpu.server + x.cpu.db + x.cpu.kv) / Math.max(x.result.ok, 1));
  const cpuRatio = (a: TargetName, b: TargetName) => (has(a) && has(b) ? cpuPerReq(b) / cpuPerReq(a) : NaN);
  const out = [
    `Callback benchmark — ${new Date().toISOString()}${o.quick ? " (--quick)" : ""}`,
    `${m.nproc} × ${m.cpu}, ${m.memGiB} GiB, Linux ${m.kernel}, node ${m.node}, ${m.mariadb} (innodb_flush_log_at_trx_commit=${m.innodbFlushLogAtTrxCommit}), Redis ${m.redis}`,
    `${o.rounds} alternating rounds × ${o.durationS} s per target, ${o.connections} connections, ${o.pin ? "servers on CPU 1 / load generator on CPU 0" : "unpinned"}; medians over rounds. ` +
      `"not ours": share of both cores busy with other processes during the round (noise); ` +
      `rounds above ${o.maxNoisePct} % were measured again up to ${o.retries} times (${rounds.filter((x) => x.attempts > 1).length} of ${rounds.length} rounds were).`,
    "",
    table(["target", "req/s", "req/s range", "p50 ms", "p99 ms", "server CPU µs/req", "MariaDB / Redis CPU µs/req", "machine busy %", "not ours %"], rows),
    "",
    table(
      ["ratio", "req/s ratio", "inverse ratio of CPU µs/req", "reference (issue 3)", "target"],
      [
        ["B/A (minimal / hello)", fmt(ratio("minimal", "hello"), 2), fmt(cpuRatio("minimal", "hello"), 2), "0.28", ""],
        ["C/B (peer / minimal)", fmt(ratio("peer", "minimal"), 2), fmt(cpuRatio("peer", "minimal"), 2), "0.88", ""],
        ["D/B (full / minimal)", fmt(ratio("full", "minimal"), 2), fmt(cpuRatio("full", "minimal"), 2), "0.47 (minimal + SET NX + INSERT)", "≥ 0.60"],
        ["D/C (full / peer)", fmt(ratio("full", "peer"), 2), fmt(cpuRatio("full", "peer"), 2), "", "≥ 1.00"],
        ...(["route", "unbatched"] as TargetName[])
          .filter(has)
          .map((t) => [`${info(t).letter}/B (${t} / minimal)`, fmt(ratio(t, "minimal"), 2), fmt(cpuRatio(t, "minimal"), 2), "", ""]),
      ],
    ),
    "(CPU µs/req counts the server process and, for the storing targets, MariaDB and Redis too; the load generator is left out.)",
  ];
  if (fixed.length) {
    out.push(
      "",
      `Fixed rate: ${o.rate} callbacks/s for ${o.rateDurationS} s, open loop (each request sent when due, whatever the earlier ones are doing); latency from the scheduled send time.`,
      table(
        ["target", "answered /s", "within 5 s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "failed", "p99 from actual send", "not ours %", "p99 < 50 ms"],
        fixed.map((f) => [
          `${info(f.target).letter}. ${f.target}`,
          fmt(f.achievedPerS),
          `${fmt((f.within5s / Math.max(f.sent, 1)) * 100, 1)} %`,
          fmt(f.fromDue.p50, 1),
          fmt(f.fromDue.p90, 1),
          fmt(f.fromDue.p99, 1),
          fmt(f.fromDue.p999, 1),
          fmt(f.fromDue.max, 1),
          String(f.failed),
          fmt(f.fromSend.p99, 1),
          fmt(f.cpu.otherPct),
          f.fromDue.p99 < 50 ? "met" : "NOT met",
        ]),
      ),
    );
  }
  if (has("full") && has("peer") && has("minimal")) {
    const d = rps("full");
    out.push("", `Throughput targets: D ≥ C ${d >= rps("peer") ? "met" : "NOT met"}; D ≥ 0.6 × B ${d >= 0.6 * rps("minimal") ? "met" : "NOT met"}.`);
  }
  if (verification) out.push(`Verification (each request to a storing target is one distinct stored row; all dispatched but those cut): ${verification.ok ? "ok" : "FAILED"} ${JSON.stringify(verification)}`);
  return out.join("\n");
}

/** Cores of the machine (not of this process's affinity, which pinning narrows to one). */
function machineCores(): number {
  return os.cpus().length;
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`benchmark failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
