import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { type Connection, createConnection } from "mysql2/promise";
import { FakeWecom, type FakeMessage } from "../src/dev/fakeWecom";
import { encryptedPost, textMessage } from "../test/support/wecomCallbacks";
import { closedLoop } from "./lib/calloutsClicks";
import { createCounty } from "./lib/calloutsDirectory";
import { benchAppEnv, readyPort } from "./lib/appEnv";
import { BENCH_APP, CALLBACK_PATH, Cursor, type Envelope, EnvelopePool } from "./lib/envelopes";
import { paced, type Percentiles, percentiles } from "./lib/load";
import { pidsNamed, watchCpu } from "./lib/proc";
import { removeKeys } from "./lib/redisKeys";
import { createBenchDatabase, flags, say, sleep, stamp, stopChild, waitForQuiet, warn } from "./lib/run";
import { fmt, table } from "./lib/report";
import { type CpuProfile, summarizeProfile } from "./profile";

/**
 * `npm run bench:turns [-- options]`: chat turns end to end (issue 16, "Benchmarks").
 *
 * `--people` directory people (2,000) in a throw-away MariaDB database, the product as `npm start`
 * runs it (HTTP, outbox worker, jobs; bench/lib/calloutsServer.ts) on one instance and then on three
 * against one database and one Redis prefix, with the fake WeChat Work (this process) in front.
 * Every person sends the bot text (sealed as WeChat Work seals callbacks); each message is a real
 * bot turn — who is writing, the per-person turn lock, the conversation read, the menu, the new
 * conversation and the reply's outbox row committed in one transaction — and the reply is sent to
 * the fake by the outbox worker. Two phases per fleet:
 *
 * 1. as fast as it goes (closed loop, `--connections`): turns per second (replies committed), the
 *    callbacks' latency, CPU per turn of the product(s), MariaDB and Redis;
 * 2. at a fixed `--rate` (150/s, the platform's reply ceiling) for `--rate-duration` s (open loop):
 *    the callbacks' latency, and the time from each callback to its reply accepted by the fake.
 *
 * At the fake, message/send calls are counted per clock minute and per sliding 60 s (WeChat Work's
 * 10,000 a minute) and replies dropped by the per-member limits (30/min) are counted: the outbox
 * must never go over them. With `--memory`, instead: one idle instance holding `--memory-people`
 * people and `--memory-hazards` hazards, its memory after start and after a full collection.
 */

interface Options {
  quick: boolean;
  people: number;
  fleets: number[];
  turnsPerPerson: number;
  connections: number;
  rate: number;
  rateDurationS: number;
  quietWaitS: number;
  logLevel: string;
  label: string;
  memory: boolean;
  profile: boolean;
  memoryPeople: number;
  memoryHazards: number;
  mysqlUrl: string;
  redisUrl: string;
}

function parseArgs(argv: string[]): Options {
  const { has, value, num } = flags(argv);
  if (has("--help") || has("-h")) {
    process.stdout.write(
      [
        "npm run bench:turns [-- options]",
        "  --quick               500 people, 1 turn each, 10 s at the fixed rate",
        "  --people N            directory people who write to the bot (default 2000)",
        "  --fleets 1,3          instance counts to run, in order (default 1,3)",
        "  --turns-per-person N  messages per person in the closed-loop phase (default 2)",
        "  --connections N       closed-loop connections (default 64)",
        "  --rate N              fixed-rate turns per second (default 150)",
        "  --rate-duration S     fixed-rate phase length (default 20)",
        "  --quiet-wait S        before each phase wait up to S s for a quieter machine (default 10)",
        "  --log-level LEVEL     the product's LOG_LEVEL (default info, written to /dev/null)",
        "  --label TEXT          appended to the results' file name (e.g. before / after)",
        "  --profile             run the instances under node --cpu-prof (bench/.build/profiles/), summarised at the end",
        "  --memory              only the idle-memory measurement (one instance)",
        "  --memory-people N     people for --memory (default 10000)",
        "  --memory-hazards N    hazards for --memory (default 100000)",
        "  env BENCH_MYSQL_URL (mysql://root@127.0.0.1:3306), BENCH_REDIS_URL (redis://127.0.0.1:6379)",
        "",
      ].join("\n"),
    );
    process.exit(0);
  }
  const quick = has("--quick");
  return {
    quick,
    people: num("--people", quick ? 500 : 2000),
    fleets: (value("--fleets") ?? "1,3").split(",").map((n) => Number(n)).filter((n) => Number.isInteger(n) && n > 0),
    turnsPerPerson: num("--turns-per-person", quick ? 1 : 2),
    connections: num("--connections", 64),
    rate: num("--rate", 150),
    rateDurationS: num("--rate-duration", quick ? 10 : 20),
    quietWaitS: num("--quiet-wait", 10),
    logLevel: value("--log-level") ?? "info",
    label: value("--label") ?? "",
    memory: has("--memory"),
    profile: has("--profile"),
    memoryPeople: num("--memory-people", 10_000),
    memoryHazards: num("--memory-hazards", 100_000),
    mysqlUrl: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306",
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  };
}

// Compiled to bench/.build/bench/: the results go next to the other runs' in bench/results/.
const RESULTS_DIR = resolve(__dirname, "..", "..", "results");
const SERVER_JS = join(__dirname, "lib", "calloutsServer.js");
const PROFILE_DIR = resolve(__dirname, "..", "profiles");
const RUN = stamp();
/** WeChat Work: message/send calls an app may make a minute (src/channels/wecom/index.ts). */
const API_CALLS_PER_MINUTE = 10_000;
/**
 * What people send the bot: words that bring up the menu, in or out of a conversation. Each turn
 * then has exactly one reply, so a reply pairs with its callback at the fake.
 */
const WORDS = ["帮助", "你好", "菜单", "您好"];

interface Resources {
  dbName: string;
  dbUrl: string;
  kvPrefix: string;
  admin?: Connection;
  children: ChildProcess[];
  fake?: FakeWecom;
}

interface MemSample {
  t: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  tag?: string;
}

async function cleanup(o: Options, r: Resources): Promise<void> {
  await Promise.all(r.children.splice(0).map((c) => stopChild(c)));
  if (r.fake) await r.fake.stop().catch(() => undefined);
  r.fake = undefined;
  if (r.admin) {
    await r.admin.query(`DROP DATABASE IF EXISTS \`${r.dbName}\``).catch((err: Error) => warn(`could not drop ${r.dbName}: ${err.message}`));
    await r.admin.end().catch(() => undefined);
    r.admin = undefined;
  }
  await removeKeys(o.redisUrl, r.kvPrefix).catch((err: Error) => warn(`could not remove the ${r.kvPrefix}* keys from Redis: ${err.message}`));
}

function childEnv(o: Options, r: Resources, fakeUrl: string, name: string): NodeJS.ProcessEnv {
  // Replies are the reply lane (never held back), but the bench must not depend on the hour.
  return benchAppEnv({ logLevel: o.logLevel, dbUrl: r.dbUrl, redisUrl: o.redisUrl, kvPrefix: r.kvPrefix, jobs: true, fakeUrl }, { QUIET_HOURS: "00:00-00:00", INSTANCE_ID: name });
}

/** Starts one instance (stdout, the JSON log, to /dev/null) and waits for its port. */
async function startInstance(o: Options, r: Resources, fakeUrl: string, name: string, mem?: MemSample[]): Promise<{ proc: ChildProcess; port: number }> {
  const stdio: ("ignore" | "inherit" | "ipc")[] = ["ignore", "ignore", "inherit", "ipc"];
  const profile = o.profile ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=turns-${RUN}-${name}.cpuprofile`] : [];
  const proc = spawn(process.execPath, [...profile, "--expose-gc", SERVER_JS], { env: childEnv(o, r, fakeUrl, name), stdio });
  r.children.push(proc);
  proc.on("message", (m: { mem?: MemSample }) => {
    if (m?.mem && mem) mem.push(m.mem);
  });
  const port = await readyPort(proc, name);
  return { proc, port };
}

/** One text message per (person, round), sealed as WeChat Work seals callbacks; people interleaved. */
function textEnvelopes(people: readonly string[], rounds: number, tag: string): EnvelopePool {
  const pool = new EnvelopePool();
  const nowS = Math.floor(Date.now() / 1000);
  let n = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [i, from] of people.entries()) {
      // 19 digits as WeChat Work's: 8 ‖ phase tag (6) ‖ sequence (12).
      const msgId = `8${tag}${String(n++).padStart(12, "0")}`;
      const post = encryptedPost(BENCH_APP, textMessage({ from, content: WORDS[(i + round) % WORDS.length] as string, msgId, createTime: nowS }), { timestamp: nowS });
      pool.items.push({ path: `${CALLBACK_PATH}?${post.query}`, body: Buffer.from(post.body, "utf8"), eventKey: `${BENCH_APP.agentId}:${msgId}` });
    }
  }
  return pool;
}

let phaseSeq = 0;
const phaseTag = () => String((randomBytes(2).readUInt16BE(0) * 10 + phaseSeq++) % 1_000_000).padStart(6, "0");

// ————————————————————————————————————————————— counting at the database and the fake

/** Turns committed: a turn's first reply is `reply:<channel>:<event id>:0`, stored in the turn's transaction. */
async function repliesCommitted(db: Connection): Promise<number> {
  const [rows] = await db.query("SELECT COUNT(*) AS n FROM outbox_messages WHERE idempotency_key LIKE 'reply:wecom:%:0'");
  return Number((rows as { n: number }[])[0]?.n ?? 0);
}

async function inboxCounts(db: Connection): Promise<Record<string, number>> {
  const [rows] = await db.query("SELECT status, COUNT(*) AS n FROM inbound_events GROUP BY status");
  return Object.fromEntries((rows as { status: string; n: number }[]).map((x) => [x.status, Number(x.n)]));
}

/** Replies the fake accepted (not suppressed duplicates), in the order it accepted them. */
const replies = (fake: FakeWecom, from: number) => fake.messages.slice(from).filter((m) => !m.duplicateOf);

interface LimitCheck {
  sendCalls: number;
  maxPerClockMinute: number;
  maxPerSliding60s: number;
  droppedByMemberLimits: number;
  refusedCalls: number;
}

function limitCheck(fake: FakeWecom): LimitCheck {
  const sends = fake.requests.filter((q) => q.api === "message/send");
  const perMinute = new Map<number, number>();
  for (const q of sends) perMinute.set(Math.floor(q.at / 60_000), (perMinute.get(Math.floor(q.at / 60_000)) ?? 0) + 1);
  const times = sends.map((q) => q.at).sort((a, b) => a - b);
  let maxSliding = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= 60_000) j++;
    maxSliding = Math.max(maxSliding, i - j + 1);
  }
  return {
    sendCalls: sends.length,
    maxPerClockMinute: Math.max(0, ...perMinute.values()),
    maxPerSliding60s: maxSliding,
    droppedByMemberLimits: fake.messages.reduce((n, m) => n + m.dropped.length, 0),
    refusedCalls: sends.filter((q) => q.status !== 200 || (q.errcode ?? 0) !== 0).length,
  };
}

// ————————————————————————————————————————————— phases

interface CpuPerTurn {
  productUs: number;
  mariadbUs: number;
  redisUs: number;
  loadgenUs: number;
  machineBusyPct: number;
}

interface SaturatePhase {
  turns: number;
  callbacks2xx: number;
  callbackFailed: number;
  callbackPerS: number;
  callbackMs: Percentiles;
  /** From the first callback to the last reply committed. */
  allCommittedS: number;
  turnsPerS: number;
  /** Turns per second between 10 % and 90 % of them committed. */
  steadyTurnsPerS: number;
  cpu: CpuPerTurn;
  load1: number;
}

async function saturatePhase(o: Options, db: Connection, ports: number[], pids: number[], people: string[]): Promise<SaturatePhase> {
  const pool = textEnvelopes(people, o.turnsPerPerson, phaseTag());
  const before = await repliesCommitted(db);
  await waitForQuiet(o.quietWaitS * 1000);
  const load1 = os.loadavg()[0] as number;
  const cpu = watchCpu({ product: pids, mariadb: pidsNamed("mariadbd", "mysqld"), redis: pidsNamed("redis-server") });
  const t0 = performance.now();
  const progress: { t: number; n: number }[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      progress.push({ t: (performance.now() - t0) / 1000, n: (await repliesCommitted(db)) - before });
      if ((progress.at(-1)?.n ?? 0) >= pool.size) break;
      await sleep(100);
    }
  })();
  const loop = await closedLoop({ port: ports[0] as number, ports, envelopes: pool.items, connections: o.connections });
  const deadline = performance.now() + 120_000;
  while ((progress.at(-1)?.n ?? 0) < pool.size && performance.now() < deadline) await sleep(50);
  polling = false;
  await poller;
  const used = cpu.stop();
  const done = progress.at(-1) ?? { t: NaN, n: 0 };
  const at = (share: number) => progress.find((p) => p.n >= share * pool.size)?.t ?? NaN;
  const per = (s: number) => (s * 1e6) / Math.max(done.n, 1);
  if (done.n < pool.size) warn(`only ${done.n} of ${pool.size} turns committed within 120 s`);
  return {
    turns: pool.size,
    callbacks2xx: loop.ok,
    callbackFailed: loop.failed,
    callbackPerS: loop.perS,
    callbackMs: loop.latencyMs,
    allCommittedS: done.t,
    turnsPerS: done.n / done.t,
    steadyTurnsPerS: (0.8 * pool.size) / (at(0.9) - at(0.1)),
    cpu: {
      productUs: per(used.groups.product ?? 0),
      mariadbUs: per(used.groups.mariadb ?? 0),
      redisUs: per(used.groups.redis ?? 0),
      loadgenUs: per(used.groups.loadgen ?? 0),
      machineBusyPct: used.machineBusy * 100,
    },
    load1,
  };
}

interface RatePhase {
  rate: number;
  sent: number;
  callbacks2xx: number;
  callbackFailed: number;
  callbackMs: Percentiles;
  /** Callback written → reply accepted by the fake, per turn. */
  replyMs: Percentiles;
  repliesMatched: number;
  within1s: number;
  load1: number;
}

async function ratePhase(o: Options, fake: FakeWecom, ports: number[], people: string[]): Promise<RatePhase> {
  const count = Math.round(o.rate * o.rateDurationS);
  const rounds = Math.ceil(count / people.length);
  const pool = textEnvelopes(people, rounds, phaseTag());
  pool.items.splice(count);
  const from = fake.messages.length;
  // Per person, the send times of their messages in order; their replies come back in that order
  // (one turn at a time per person, one reply each, sent in the order committed).
  const sentAt = new Map<string, number[]>();
  const personOf = new Map<Envelope, string>(pool.items.map((e, i) => [e, people[i % people.length] as string]));
  await waitForQuiet(o.quietWaitS * 1000);
  const load1 = os.loadavg()[0] as number;
  const p = await paced({
    port: ports[0] as number,
    ports,
    rate: o.rate,
    durationS: o.rateDurationS,
    source: new Cursor(pool, "unique"),
    onSend: (e, atMs) => {
      const who = personOf.get(e) as string;
      sentAt.set(who, [...(sentAt.get(who) ?? []), atMs]);
    },
  });
  const deadline = Date.now() + 30_000;
  while (replies(fake, from).length < p.ok && Date.now() < deadline) await sleep(50);
  await sleep(1000); // a resend would show up now
  const got = new Map<string, FakeMessage[]>();
  for (const m of replies(fake, from)) for (const u of m.delivered) got.set(u, [...(got.get(u) ?? []), m]);
  const lat: number[] = [];
  for (const [who, times] of sentAt) {
    const msgs = got.get(who) ?? [];
    times.forEach((t, i) => {
      const m = msgs[i];
      if (m) lat.push(m.at - t);
    });
  }
  return {
    rate: o.rate,
    sent: p.sent,
    callbacks2xx: p.ok,
    callbackFailed: p.failed,
    callbackMs: p.fromDue,
    replyMs: percentiles(Float64Array.from(lat)),
    repliesMatched: lat.length,
    within1s: lat.filter((ms) => ms <= 1000).length,
    load1,
  };
}

interface FleetResult {
  instances: number;
  saturate: SaturatePhase;
  rate: RatePhase;
  limits: LimitCheck;
  inbox: Record<string, number>;
  replies: { committed: number; acceptedByFake: number; peopleWithExtra: number };
}

async function runFleet(o: Options, instances: number): Promise<FleetResult> {
  const tag = randomBytes(4).toString("hex");
  const r: Resources = { dbName: `anshao_bench_tu_${tag}`, dbUrl: "", kvPrefix: `as:bench:${tag}:`, children: [] };
  let db: Connection | undefined;
  try {
    if (o.profile) mkdirSync(PROFILE_DIR, { recursive: true });
    ({ admin: r.admin, dbUrl: r.dbUrl } = await createBenchDatabase(o.mysqlUrl, r.dbName));
    db = await createConnection({ uri: r.dbUrl, timezone: "Z" });
    const made = await createCounty(db, { cadres: o.people, towns: 25, villagesPerTown: 16 });
    const fake = new FakeWecom({ corpId: BENCH_APP.corpId, agentId: Number(BENCH_APP.agentId), secret: BENCH_APP.secret, directory: made.directory, dailyQuota: 200_000 });
    r.fake = fake;
    const fakeUrl = await fake.start();
    const started = await Promise.all(Array.from({ length: instances }, (_, i) => startInstance(o, r, fakeUrl, `bench-turns-${i + 1}`)));
    const ports = started.map((s) => s.port);
    const pids = started.map((s) => s.proc.pid as number);
    say(`${instances} instance(s) up on :${ports.join(", :")}; ${fmt(made.people)} people in ${r.dbName}`);
    await sleep(1500);

    // Warm-up: every instance's pools, caches and JIT; the turns are not counted.
    const warm = textEnvelopes(made.cadres.slice(0, 200), 1, phaseTag());
    await closedLoop({ port: ports[0] as number, ports, envelopes: warm.items, connections: 16 });
    await waitUntil(async () => (await repliesCommitted(db as Connection)) >= warm.size, 30_000);
    await waitUntil(() => replies(fake, 0).length >= warm.size, 30_000);

    const saturate = await saturatePhase(o, db, ports, pids, made.cadres);
    say(
      `  closed loop: ${fmt(saturate.turns)} turns, callbacks ${fmt(saturate.callbackPerS)}/s (p50 ${fmt(saturate.callbackMs.p50, 1)} ms, p99 ${fmt(saturate.callbackMs.p99, 1)} ms), ` +
        `all committed after ${fmt(saturate.allCommittedS, 2)} s = ${fmt(saturate.turnsPerS)} turns/s (steady ${fmt(saturate.steadyTurnsPerS)}); ` +
        `CPU per turn: product ${fmt(saturate.cpu.productUs)} µs, MariaDB ${fmt(saturate.cpu.mariadbUs)} µs, Redis ${fmt(saturate.cpu.redisUs)} µs`,
    );
    // The replies of the closed loop leave at the platform's limit; the fixed-rate phase starts on an empty outbox.
    const expected = warm.size + saturate.turns;
    await waitUntil(() => replies(fake, 0).length >= expected, 120_000);

    const rate = await ratePhase(o, fake, ports, made.cadres);
    say(
      `  fixed ${fmt(rate.rate)}/s: ${fmt(rate.callbacks2xx)} of ${fmt(rate.sent)} callbacks 2xx (p50 ${fmt(rate.callbackMs.p50, 1)} ms, p99 ${fmt(rate.callbackMs.p99, 1)} ms); ` +
        `callback → reply accepted p50 ${fmt(rate.replyMs.p50)} ms, p99 ${fmt(rate.replyMs.p99)} ms, max ${fmt(rate.replyMs.max)} ms (${fmt(rate.within1s)} of ${fmt(rate.repliesMatched)} within 1 s)`,
    );
    const limits = limitCheck(fake);
    const committed = await repliesCommitted(db);
    const accepted = replies(fake, 0);
    const perPerson = new Map<string, number>();
    for (const m of accepted) for (const u of m.delivered) perPerson.set(u, (perPerson.get(u) ?? 0) + 1);
    const sentPerPerson = new Map<string, number>();
    // Warm-up 1 each for the first 200, then turnsPerPerson each, then the fixed-rate ones.
    made.cadres.forEach((u, i) => sentPerPerson.set(u, (i < 200 ? 1 : 0) + o.turnsPerPerson));
    for (let i = 0; i < rate.sent; i++) {
      const u = made.cadres[i % made.cadres.length] as string;
      sentPerPerson.set(u, (sentPerPerson.get(u) ?? 0) + 1);
    }
    // Only the people who wrote: the town heads and the chief also get the jobs' messages (the digest).
    const extra = [...sentPerPerson].filter(([u, n]) => (perPerson.get(u) ?? 0) > n).length;
    return {
      instances,
      saturate,
      rate,
      limits,
      inbox: await inboxCounts(db),
      replies: { committed, acceptedByFake: accepted.length, peopleWithExtra: extra },
    };
  } finally {
    if (db) await db.end().catch(() => undefined);
    await cleanup(o, r);
  }
}

async function waitUntil(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

// ————————————————————————————————————————————— idle memory

interface MemoryResult {
  people: number;
  hazards: number;
  loadMs: number;
  afterStart: MemSample;
  afterIdle: MemSample;
  afterGc: MemSample;
}

/** Hazards straight into the bench database, multi-row INSERTs of 1,000 (as the county's people). */
async function insertHazards(db: Connection, count: number): Promise<void> {
  const [units] = await db.query("SELECT id FROM org_units WHERE kind = 'village' ORDER BY id");
  const [people] = await db.query("SELECT id FROM people ORDER BY id LIMIT 1000");
  const unitIds = (units as { id: number }[]).map((u) => u.id);
  const personIds = (people as { id: number }[]).map((p) => p.id);
  const [cols] = await db.query("SHOW COLUMNS FROM hazards");
  const columns = (cols as { Field: string; Null: string; Default: unknown; Extra: string; Type: string }[]).filter((c) => !c.Extra.includes("auto_increment"));
  const now = Date.now();
  for (let i = 0; i < count; i += 1000) {
    const rows: unknown[][] = [];
    for (let n = i; n < Math.min(i + 1000, count); n++) {
      const at = new Date(now - (n % 365) * 86_400_000);
      rows.push(columns.map((c) => hazardValue(c, n, at, unitIds[n % unitIds.length] as number, personIds[n % personIds.length] as number)));
    }
    await db.query(`INSERT INTO hazards (${columns.map((c) => `\`${c.Field}\``).join(", ")}) VALUES ?`, [rows]);
  }
}

/** A plausible value for one hazards column; nullable columns the bench does not know stay NULL. */
function hazardValue(c: { Field: string; Null: string; Type: string }, n: number, at: Date, unitId: number, personId: number): unknown {
  switch (c.Field) {
    case "number":
      return `YH-2026-${String(n + 1).padStart(7, "0")}`;
    case "year":
      return 2026;
    case "seq":
      return n + 1;
    case "source":
      return n % 2 ? "chat_photo" : "inspection";
    case "state":
      return n % 3 === 0 ? "closed" : "rectifying";
    case "level":
      return n % 10 === 0 ? "major" : "general";
    case "category":
      return "消防通道堵塞";
    case "description":
      return "今天上午巡查发现仓库东侧消防通道被货物堵塞，已经通知仓库负责人立即清理。";
    case "unit_id":
      return unitId;
    case "reporter_id":
      return personId;
    case "listed_for_supervision":
      return 0;
    case "enforcement_stage":
      return "advice";
    case "closed_at":
      return n % 3 === 0 ? at : null;
    case "version":
      return 1;
  }
  if (/datetime|timestamp/.test(c.Type)) return c.Null === "YES" && !/reported|created|updated|deadline/.test(c.Field) ? null : at;
  if (c.Null === "YES") return null;
  if (/int|decimal|double|float/.test(c.Type)) return 0;
  return "";
}

async function runMemory(o: Options): Promise<MemoryResult> {
  const tag = randomBytes(4).toString("hex");
  const r: Resources = { dbName: `anshao_bench_mem_${tag}`, dbUrl: "", kvPrefix: `as:bench:${tag}:`, children: [] };
  let db: Connection | undefined;
  try {
    ({ admin: r.admin, dbUrl: r.dbUrl } = await createBenchDatabase(o.mysqlUrl, r.dbName));
    db = await createConnection({ uri: r.dbUrl, timezone: "Z" });
    const t = performance.now();
    const made = await createCounty(db, { cadres: o.memoryPeople, towns: 25, villagesPerTown: 16 });
    await insertHazards(db, o.memoryHazards);
    const loadMs = performance.now() - t;
    say(`memory: ${fmt(made.people)} people and ${fmt(o.memoryHazards)} hazards loaded in ${fmt(loadMs)} ms`);
    const fake = new FakeWecom({ corpId: BENCH_APP.corpId, agentId: Number(BENCH_APP.agentId), secret: BENCH_APP.secret, directory: made.directory, dailyQuota: 200_000 });
    r.fake = fake;
    const mem: MemSample[] = [];
    const { proc } = await startInstance(o, r, await fake.start(), "bench-memory", mem);
    await sleep(2000);
    const afterStart = mem.at(-1) as MemSample;
    // Idle: the outbox worker polls and the jobs tick (the scheduler's first minute included).
    await sleep(65_000);
    const afterIdle = mem.at(-1) as MemSample;
    const since = Date.now();
    proc.send("gc");
    await waitUntil(() => mem.some((m) => m.tag === "after-gc" && m.t >= since), 5000);
    const afterGc = mem.find((m) => m.tag === "after-gc" && m.t >= since) as MemSample;
    return { people: made.people, hazards: o.memoryHazards, loadMs, afterStart, afterIdle, afterGc };
  } finally {
    if (db) await db.end().catch(() => undefined);
    await cleanup(o, r);
  }
}

// ————————————————————————————————————————————— main

interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  mariadb: string;
  innodbFlushLogAtTrxCommit: string;
  uptime: string;
}

async function describeMachine(o: Options): Promise<Machine> {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const u = new URL(o.mysqlUrl);
  const conn = await createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  const [v] = await conn.query("SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS f");
  await conn.end();
  return {
    nproc: os.cpus().length,
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    node: process.version,
    mariadb: `MariaDB ${String((v as { v: string }[])[0]?.v)}`,
    innodbFlushLogAtTrxCommit: String((v as { f: string }[])[0]?.f),
    uptime: execFileSync("uptime", { encoding: "utf8" }).trim(),
  };
}

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;

function report(o: Options, m: Machine, fleets: FleetResult[], memory: MemoryResult | undefined, uptimeAfter: string): string {
  const ms = (p: Percentiles) => `${fmt(p.p50, 1)} / ${fmt(p.p99, 1)} / ${fmt(p.max, 0)}`;
  const out = [
    `Chat-turn benchmark — ${new Date().toISOString()}${o.quick ? " (--quick)" : ""}${o.label ? ` — ${o.label}` : ""}`,
    `${m.nproc} × ${m.cpu}, node ${m.node}, ${m.mariadb} (innodb_flush_log_at_trx_commit=${m.innodbFlushLogAtTrxCommit}), Redis; everything on this machine, nothing pinned.`,
    `uptime before: ${m.uptime}`,
    `uptime after:  ${uptimeAfter}`,
    "(the machine is shared with other jobs: a load average above ~1 means the figures are lower than on an idle machine)",
  ];
  if (fleets.length > 0) {
    out.push(
      "",
      `${fmt(o.people)} directory people; closed loop ${o.turnsPerPerson} text message(s) each over ${o.connections} connections; fixed rate ${o.rate}/s for ${o.rateDurationS} s. The product as npm start runs it (LOG_LEVEL=${o.logLevel} to /dev/null).`,
      "",
      table(
        ["instances", "turns", "turns/s (all / steady)", "callbacks/s", "callback ms p50 / p99 / max", "CPU µs per turn: product / MariaDB / Redis", "machine busy %", "load1"],
        fleets.map((f) => [
          String(f.instances),
          fmt(f.saturate.turns),
          `${fmt(f.saturate.turnsPerS)} / ${fmt(f.saturate.steadyTurnsPerS)}`,
          fmt(f.saturate.callbackPerS),
          ms(f.saturate.callbackMs),
          `${fmt(f.saturate.cpu.productUs)} / ${fmt(f.saturate.cpu.mariadbUs)} / ${fmt(f.saturate.cpu.redisUs)}`,
          fmt(f.saturate.cpu.machineBusyPct),
          fmt(f.saturate.load1, 2),
        ]),
      ),
      "",
      table(
        ["instances", "fixed rate", "callbacks 2xx / sent", "callback ms p50 / p99 / max", "callback → reply accepted ms p50 / p99 / max", "within 1 s", "load1"],
        fleets.map((f) => [String(f.instances), `${f.rate.rate}/s`, `${fmt(f.rate.callbacks2xx)} / ${fmt(f.rate.sent)}`, ms(f.rate.callbackMs), ms(f.rate.replyMs), `${fmt(f.rate.within1s)} / ${fmt(f.rate.repliesMatched)}`, fmt(f.rate.load1, 2)]),
      ),
      "",
      table(
        ["instances", "message/send calls", "max per clock minute", "max per sliding 60 s", `limit`, "dropped (30/min per member)", "refused calls", "replies committed / accepted by fake", "writers with more replies than messages", "inbox rows"],
        fleets.map((f) => [
          String(f.instances),
          fmt(f.limits.sendCalls),
          fmt(f.limits.maxPerClockMinute),
          fmt(f.limits.maxPerSliding60s),
          fmt(API_CALLS_PER_MINUTE),
          String(f.limits.droppedByMemberLimits),
          String(f.limits.refusedCalls),
          `${fmt(f.replies.committed)} / ${fmt(f.replies.acceptedByFake)}`,
          String(f.replies.peopleWithExtra),
          Object.entries(f.inbox)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(", "),
        ]),
      ),
    );
  }
  if (memory) {
    out.push(
      "",
      `Idle memory of one instance holding ${fmt(memory.people)} people and ${fmt(memory.hazards)} hazards (loaded in ${fmt(memory.loadMs)} ms):`,
      table(
        ["when", "RSS", "heap used", "heap total", "external"],
        [
          ["2 s after start", memory.afterStart],
          ["after 65 s idle (jobs and outbox polling)", memory.afterIdle],
          ["after a full GC", memory.afterGc],
        ].map(([w, s]) => [w as string, mb((s as MemSample).rss), mb((s as MemSample).heapUsed), mb((s as MemSample).heapTotal), mb((s as MemSample).external)]),
      ),
    );
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const deadline = setTimeout(() => {
    warn("benchmark exceeded its 30-minute bound; stopping");
    process.exit(2);
  }, 30 * 60_000);
  deadline.unref();
  const machine = await describeMachine(o);
  say(`machine: ${machine.nproc} × ${machine.cpu}, node ${machine.node}, ${machine.mariadb}`);
  say(`uptime: ${machine.uptime}`);
  const fleets: FleetResult[] = [];
  let memory: MemoryResult | undefined;
  if (o.memory) memory = await runMemory(o);
  else for (const n of o.fleets) fleets.push(await runFleet(o, n));
  const uptimeAfter = execFileSync("uptime", { encoding: "utf8" }).trim();
  let text = report(o, machine, fleets, memory, uptimeAfter);
  if (o.profile) {
    // The first instance of the first fleet: warm-up, closed loop and fixed rate together.
    const file = join(PROFILE_DIR, `turns-${RUN}-bench-turns-1.cpuprofile`);
    text += `\n\nProfile of instance 1 (${file}):\n${summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, 25)}`;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `turns-${stamp()}${o.memory ? "-memory" : ""}${o.quick ? "-quick" : ""}${o.label ? `-${o.label.replace(/[^A-Za-z0-9_-]+/g, "-")}` : ""}`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ options: o, machine, uptimeAfter, fleets, memory }, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${text}\n`);
  process.stdout.write(`\n${text}\n\nresults: ${base}.json and .md\n`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`benchmark failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
