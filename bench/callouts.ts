import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import Redis from "ioredis";
import { type Connection, createConnection } from "mysql2/promise";
import { ManualClock } from "../src/clock";
import { openDataSource } from "../src/db/dataSource";
import { entities } from "../src/features";
import { Database } from "../src/db/Database";
import { EscalationStep, OutboxMessage, Person } from "../src/db/entities";
import { FakeWecom, type FakeMessage } from "../src/dev/fakeWecom";
import { issueApiToken } from "../src/domain/auth/apiTokens";
import { CalloutService } from "../src/domain/callouts";
import { OutboxService } from "../src/domain/outbox";
import { type ClosedLoopResult, clickEnvelopes, closedLoop } from "./lib/calloutsClicks";
import { type BenchCounty, createCounty } from "./lib/calloutsDirectory";
import { benchAppEnv, readyPort } from "./lib/appEnv";
import { BENCH_APP, Cursor } from "./lib/envelopes";
import { paced, type PacedResult, type Percentiles } from "./lib/load";
import { pidsNamed, watchCpu } from "./lib/proc";
import { removeKeys } from "./lib/redisKeys";
import { createBenchDatabase, flags, say, sleep, stamp, stopChild, waitForQuiet, warn } from "./lib/run";
import { fmt, table } from "./lib/report";

/**
 * `npm run bench:callouts [-- options]`: the 叫应 benchmark of issue 6.
 *
 * A made-up county of 10,000 village cadres in a throw-away MariaDB database, the product as
 * `npm start` runs it (child process: HTTP, outbox worker, jobs) against the fake WeChat Work on
 * loopback (this process). One campaign is drafted and sent through the admin API; the fake
 * records when each card was accepted and checks the platform's limits. Then every person answers
 * with an encrypted 「收到」 click, sent at a fixed rate (open loop), while this process polls how
 * many answers are recorded; the board must be exact at the end. A second campaign is answered
 * as fast as the product takes it (closed loop). Last, with the product stopped, the minute tick
 * of a third 10,000-person campaign is timed at its reminder, escalation and deadline rounds.
 * The product's memory is sampled throughout. Bounded in time (a deadline) and in count.
 */

interface Options {
  quick: boolean;
  recipients: number;
  towns: number;
  villagesPerTown: number;
  rate: number;
  connections: number;
  saturate: boolean;
  tick: boolean;
  pin: boolean;
  quietWaitS: number;
  logLevel: string;
  mysqlUrl: string;
  redisUrl: string;
}

function parseArgs(argv: string[]): Options {
  const { has, value, num } = flags(argv);
  if (has("--help") || has("-h")) {
    process.stdout.write(
      [
        "npm run bench:callouts [-- options]",
        "  --quick             2,000 recipients (about a minute)",
        "  --recipients N      people called (default 10000)",
        "  --rate N            answers per second sent at a fixed rate (default 1000)",
        "  --connections N     closed-loop connections for the second campaign (default 64)",
        "  --no-saturate       skip the closed-loop campaign",
        "  --no-tick           skip the timing of the minute tick",
        "  --no-pin            do not pin the product to CPU 1 and this process to CPU 0",
        "  --quiet-wait S      before each phase wait up to S s for an idle machine (default 20)",
        "  --log-level LEVEL   the product's LOG_LEVEL (default info, written to /dev/null)",
        "  env BENCH_MYSQL_URL (mysql://root@127.0.0.1:3306), BENCH_REDIS_URL (redis://127.0.0.1:6379)",
        "",
      ].join("\n"),
    );
    process.exit(0);
  }
  const quick = has("--quick");
  return {
    quick,
    recipients: num("--recipients", quick ? 2000 : 10_000),
    towns: 25,
    villagesPerTown: 16,
    rate: num("--rate", 1000),
    connections: num("--connections", 64),
    saturate: !has("--no-saturate"),
    tick: !has("--no-tick"),
    pin: !has("--no-pin") && os.cpus().length >= 2 && existsSync("/usr/bin/taskset"),
    quietWaitS: num("--quiet-wait", 20),
    logLevel: value("--log-level") ?? "info",
    mysqlUrl: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306",
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
  };
}

// Compiled to bench/.build/bench/: the results go next to the other runs' in bench/results/.
const RESULTS_DIR = resolve(__dirname, "..", "..", "results");
const SERVER_JS = join(__dirname, "lib", "calloutsServer.js");
/** Issue 6: every first message accepted within this long of sending. */
const FIRST_MESSAGE_TARGET_S = 10;
/** Issue 6: answers processed at least this fast. */
const ANSWER_TARGET_PER_S = 1000;

interface Resources {
  dbName: string;
  dbUrl: string;
  kvPrefix: string;
  admin?: Connection;
  child?: ChildProcess;
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

// ————————————————————————————————————————————— setup and teardown

async function cleanup(o: Options, r: Resources): Promise<void> {
  if (r.child) await stopChild(r.child);
  r.child = undefined;
  if (r.fake) await r.fake.stop().catch(() => undefined);
  r.fake = undefined;
  if (r.admin) {
    await r.admin.query(`DROP DATABASE IF EXISTS \`${r.dbName}\``).catch((err: Error) => warn(`could not drop ${r.dbName}: ${err.message}`));
    await r.admin.end().catch(() => undefined);
    r.admin = undefined;
  }
  await removeKeys(o.redisUrl, r.kvPrefix).catch((err: Error) => warn(`could not remove the ${r.kvPrefix}* keys from Redis: ${err.message}`));
}

function childEnv(o: Options, r: Resources, fakeUrl: string): NodeJS.ProcessEnv {
  return benchAppEnv({ logLevel: o.logLevel, dbUrl: r.dbUrl, redisUrl: o.redisUrl, kvPrefix: r.kvPrefix, jobs: true, fakeUrl }, { INSTANCE_ID: "bench-callouts" });
}

async function startChild(o: Options, r: Resources, fakeUrl: string, mem: MemSample[]): Promise<{ proc: ChildProcess; port: number }> {
  const nodeArgs = ["--expose-gc", SERVER_JS];
  // stdout (the product's JSON log lines) goes to /dev/null; stderr stays visible.
  const stdio: ("ignore" | "inherit" | "ipc")[] = ["ignore", "ignore", "inherit", "ipc"];
  const proc = o.pin ? spawn("taskset", ["-c", "1", process.execPath, ...nodeArgs], { env: childEnv(o, r, fakeUrl), stdio }) : spawn(process.execPath, nodeArgs, { env: childEnv(o, r, fakeUrl), stdio });
  r.child = proc;
  proc.on("message", (m: { mem?: MemSample }) => {
    if (m?.mem) mem.push(m.mem);
  });
  const port = await readyPort(proc, "the product");
  return { proc, port };
}

// ————————————————————————————————————————————— the product's admin API

async function api<T>(port: number, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; data: T; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as { data: T; message?: string };
  const ms = performance.now() - t0;
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${json.message ?? ""}`);
  return { status: res.status, data: json.data, ms };
}

interface Board {
  state: string;
  counts: { total: number; answered: number; notYet: number; escalated: number; unreachable: number; late: number };
}

// ————————————————————————————————————————————— phases

interface SendPhase {
  draftMs: number;
  sendRequestMs: number;
  /** From the send request to the fake accepting the first / the last card, seconds. */
  firstAcceptedS: number;
  lastAcceptedS: number;
  /** Share of people whose card the fake accepted within FIRST_MESSAGE_TARGET_S of the send request. */
  within10s: number;
  cardCalls: number;
  callsOver1000: number;
  maxUsersPerCall: number;
  droppedByMemberLimits: number;
  invalid: number;
  suppressedDuplicates: number;
  refusedCalls: number;
  peopleWithOneCard: number;
  peopleWithMoreCards: number;
  peopleWithoutCard: number;
  /** Each card call: seconds after the send request, and how many people it carried. */
  calls: { atS: number; users: number }[];
}

async function sendCampaign(o: Options, port: number, token: string, fake: FakeWecom, county: BenchCounty, title: string): Promise<{ id: number; cards: FakeMessage[]; phase: SendPhase }> {
  const draft = await api<{ id: number; recipients: unknown[] }>(port, token, "POST", "/api/callouts", {
    title,
    text: "县气象台发布暴雨预警，请立即组织巡查，落实防范措施，收到请点「收到」。",
    warningType: "暴雨",
    level: "红",
    requiresReport: false,
    rules: [{ units: [county.rootCode], roles: ["village_cadre"] }],
  });
  if (draft.data.recipients.length !== o.recipients) throw new Error(`the draft lists ${draft.data.recipients.length} people, not ${o.recipients}`);
  const before = fake.messages.length;
  const requestsBefore = fake.requests.length;
  const sentAt = Date.now();
  const send = await api<{ id: number }>(port, token, "POST", `/api/callouts/${draft.data.id}/send`);
  // The cards of this campaign: task ids `co<id>-…`.
  const ours = () => fake.messages.slice(before).filter((m) => m.taskId?.startsWith(`co${draft.data.id}-`));
  const deadline = Date.now() + 120_000;
  while (ours().reduce((n, m) => n + m.delivered.length + m.dropped.length + m.invalid.length, 0) < o.recipients && Date.now() < deadline) await sleep(20);
  await sleep(300); // a resend or a duplicate would show up now
  const cards = ours();
  const firstCards = cards.filter((m) => !m.duplicateOf);
  const received = new Map<string, number>();
  for (const m of cards) for (const u of m.delivered) received.set(u.toLowerCase(), (received.get(u.toLowerCase()) ?? 0) + 1);
  const acceptedAt = new Map<string, number>();
  for (const m of firstCards) for (const u of m.delivered) if (!acceptedAt.has(u.toLowerCase())) acceptedAt.set(u.toLowerCase(), m.at);
  const times = [...acceptedAt.values()].map((t) => (t - sentAt) / 1000);
  const sendCalls = fake.requests.slice(requestsBefore).filter((q) => q.api === "message/send");
  const phase: SendPhase = {
    draftMs: draft.ms,
    sendRequestMs: send.ms,
    firstAcceptedS: Math.min(...times),
    lastAcceptedS: Math.max(...times),
    within10s: county.cadres.filter((u) => {
      const t = acceptedAt.get(u.toLowerCase());
      return t !== undefined && t - sentAt <= FIRST_MESSAGE_TARGET_S * 1000;
    }).length,
    cardCalls: firstCards.length,
    callsOver1000: cards.filter((m) => m.delivered.length + m.dropped.length + m.invalid.length > 1000).length,
    maxUsersPerCall: Math.max(...cards.map((m) => m.delivered.length + m.dropped.length + m.invalid.length)),
    droppedByMemberLimits: cards.reduce((n, m) => n + m.dropped.length, 0),
    invalid: cards.reduce((n, m) => n + m.invalid.length, 0),
    suppressedDuplicates: cards.filter((m) => m.duplicateOf).length,
    refusedCalls: sendCalls.filter((q) => q.errcode !== 0).length,
    peopleWithOneCard: county.cadres.filter((u) => received.get(u.toLowerCase()) === 1).length,
    peopleWithMoreCards: county.cadres.filter((u) => (received.get(u.toLowerCase()) ?? 0) > 1).length,
    peopleWithoutCard: county.cadres.filter((u) => !received.has(u.toLowerCase())).length,
    calls: firstCards.map((m) => ({ atS: (m.at - sentAt) / 1000, users: m.delivered.length + m.dropped.length + m.invalid.length })),
  };
  return { id: draft.data.id, cards, phase };
}

interface AnswerPhase {
  mode: "fixed rate" | "closed loop";
  sent: number;
  answered2xx: number;
  failed: number;
  /** HTTP answer latency, ms (fixed rate: from the scheduled send time). */
  latencyMs: Percentiles;
  sendDurationS: number;
  /** Seconds from the first click sent until all answers were recorded. */
  allRecordedS: number;
  /** Answers recorded per second over that span. */
  recordedPerS: number;
  /** Recorded per second between 10 % and 90 % of the answers (the steady state). */
  steadyPerS: number;
  /** Most answers sent but not yet recorded at any poll. */
  maxBacklog: number;
  board: Board;
  inbox: { done: number; failed: number; open: number };
  repliesEnqueued: number;
  cpu: { appS: number; mariadbS: number; redisS: number; machineBusyPct: number; otherPct: number; appUsPerAnswer: number; mariadbUsPerAnswer: number; redisUsPerAnswer: number };
  progress: { atS: number; recorded: number }[];
}

/**
 * Sends a campaign's clicks with `send` while polling how many answers are recorded. `sentSoFar`
 * counts clicks sent, for the backlog: sent but not yet recorded (in flight or waiting to be processed).
 */
async function answerCampaign(o: Options, db: Connection, port: number, token: string, calloutId: number, send: () => Promise<{ sent: number; ok: number; failed: number; durationS: number; latencyMs: Percentiles }>, sentSoFar: () => number, mode: AnswerPhase["mode"], childPid: number): Promise<AnswerPhase> {
  const progress: { atS: number; recorded: number }[] = [];
  const recorded = async () => Number(((await db.query("SELECT COUNT(*) AS n FROM callout_recipients WHERE callout_id = ? AND acknowledged_at IS NOT NULL", [calloutId]))[0] as { n: number }[])[0]?.n ?? 0);
  const cpu = watchCpu({ app: [childPid], mariadb: pidsNamed("mariadbd", "mysqld"), redis: pidsNamed("redis-server") });
  const t0 = Date.now();
  let maxBacklog = 0;
  let sending = true;
  const poller = (async () => {
    for (;;) {
      const n = await recorded();
      const atS = (Date.now() - t0) / 1000;
      progress.push({ atS, recorded: n });
      maxBacklog = Math.max(maxBacklog, sentSoFar() - n);
      if (n >= o.recipients) return;
      if (!sending && atS > 300) return;
      await sleep(250);
    }
  })();
  const result = await send();
  sending = false;
  await poller;
  const usage = cpu.stop();
  const last = progress[progress.length - 1] as { atS: number; recorded: number };
  // When a share of the answers was recorded, interpolated between the two polls around it.
  const at = (share: number) => {
    const goal = share * o.recipients;
    const i = progress.findIndex((p) => p.recorded >= goal);
    if (i < 0) return NaN;
    const b = progress[i] as { atS: number; recorded: number };
    const a = progress[i - 1];
    if (!a || b.recorded === a.recorded) return b.atS;
    return a.atS + ((goal - a.recorded) / (b.recorded - a.recorded)) * (b.atS - a.atS);
  };
  // The counts are what "exact" is judged on; the per-person list (10,000 rows) stays out of the results file.
  const { people: _, ...board } = (await api<Board & { people: unknown[] }>(port, token, "GET", `/api/callouts/${calloutId}`)).data;
  const [inboxRows] = await db.query("SELECT status, COUNT(*) AS n FROM inbound_events GROUP BY status");
  const by = Object.fromEntries((inboxRows as { status: string; n: number }[]).map((x) => [x.status, Number(x.n)]));
  const [replies] = await db.query("SELECT COUNT(*) AS n FROM outbox_messages WHERE idempotency_key LIKE 'reply:%'");
  const cores = os.cpus().length;
  const ours = usage.groups.app + usage.groups.mariadb + usage.groups.redis + usage.groups.loadgen;
  const answers = Math.max(result.ok, 1);
  return {
    mode,
    sent: result.sent,
    answered2xx: result.ok,
    failed: result.failed,
    latencyMs: result.latencyMs,
    sendDurationS: result.durationS,
    allRecordedS: last.recorded >= o.recipients ? last.atS : NaN,
    recordedPerS: last.recorded / last.atS,
    steadyPerS: (0.8 * o.recipients) / (at(0.9) - at(0.1)),
    maxBacklog,
    board,
    inbox: { done: by.done ?? 0, failed: by.failed ?? 0, open: (by.pending ?? 0) + (by.processing ?? 0) },
    repliesEnqueued: Number((replies as { n: number }[])[0]?.n ?? 0),
    cpu: {
      appS: usage.groups.app,
      mariadbS: usage.groups.mariadb,
      redisS: usage.groups.redis,
      machineBusyPct: usage.machineBusy * 100,
      otherPct: Math.max(0, ((usage.machineBusy * cores * usage.wallS - ours) / (cores * usage.wallS)) * 100),
      appUsPerAnswer: (usage.groups.app / answers) * 1e6,
      mariadbUsPerAnswer: (usage.groups.mariadb / answers) * 1e6,
      redisUsPerAnswer: (usage.groups.redis / answers) * 1e6,
    },
    progress: progress.filter((_, i) => i % 4 === 0 || i === progress.length - 1),
  };
}

interface TickPhase {
  draftMs: number;
  cardsMs: number;
  rounds: { round: string; ms: number; steps: number; messages: number; deliveries: number }[];
  exactlyOnce: boolean;
}

/** The minute tick of a whole campaign, timed round by round with a manual clock (the product is stopped). */
async function timeTick(o: Options, dbUrl: string, county: BenchCounty): Promise<TickPhase> {
  const db = new Database(await openDataSource({ db: { kind: "mysql", url: dbUrl } }, { migrate: false, entities }));
  try {
    const clock = new ManualClock(new Date());
    const outbox = new OutboxService({ db, clock, quietHours: "21:00-08:00" });
    const callouts = new CalloutService({ db, clock, outbox, channels: ["wecom"] });
    const officer = await db.manager.findOneByOrFail(Person, { mobile: county.officerMobile });
    let t = performance.now();
    const c = await callouts.create(officer, { title: "定时任务计时", text: "计时用叫应", warningType: "rainstorm", level: "red", requiresReport: false, rules: [{ units: [county.rootCode], roles: ["village_cadre"] }], personIds: [], answerMinutes: 15, remindEveryMinutes: 5, maxReminders: 1 });
    const draftMs = performance.now() - t;
    t = performance.now();
    await callouts.send(officer, c.id);
    const cardsMs = performance.now() - t;
    const counts = async () => {
      const [messages, deliveries] = await Promise.all([
        db.manager.count(OutboxMessage, { where: { source: `callout:${c.id}` } }),
        db.manager.query("SELECT COUNT(*) AS n FROM outbox_deliveries d JOIN outbox_messages m ON m.id = d.message_id WHERE m.source = ?", [`callout:${c.id}`]) as Promise<{ n: number }[]>,
      ]);
      return { messages, deliveries: Number(deliveries[0]?.n ?? 0) };
    };
    const rounds: TickPhase["rounds"] = [];
    const start = clock.now().getTime();
    for (const [round, minutes] of [["reminders (+5 min)", 5], ["escalations (+10 min)", 10], ["deadline report (+15 min)", 15]] as const) {
      const before = await counts();
      clock.set(new Date(start + minutes * 60_000));
      t = performance.now();
      const result = await callouts.runDue(clock.now());
      const ms = performance.now() - t;
      const after = await counts();
      if (result.failed.length) throw new Error(`tick failed: ${JSON.stringify(result.failed)}`);
      rounds.push({ round, ms, steps: result.steps, messages: after.messages - before.messages, deliveries: after.deliveries - before.deliveries });
    }
    const steps = await db.manager.find(EscalationStep, { where: { caseKind: "callout", caseId: c.id }, select: { recipientId: true, step: true } });
    return { draftMs, cardsMs, rounds, exactlyOnce: new Set(steps.map((s) => `${s.recipientId}:${s.step}`)).size === steps.length };
  } finally {
    await db.close();
  }
}

// ————————————————————————————————————————————— main

interface Machine {
  nproc: number;
  cpu: string;
  memGiB: string;
  node: string;
  kernel: string;
  mariadb: string;
  redis: string;
  innodbFlushLogAtTrxCommit: string;
  uptime: string;
  loadavg: string;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const tag = randomBytes(4).toString("hex");
  const r: Resources = { dbName: `anshao_bench_co_${tag}`, dbUrl: "", kvPrefix: `as:bench:${tag}:` };
  const mem: MemSample[] = [];
  const plannedS = 900 + o.recipients / 20;
  const deadline = setTimeout(() => {
    warn(`benchmark exceeded its ${plannedS} s bound; stopping`);
    void cleanup(o, r).finally(() => process.exit(2));
  }, plannedS * 1000);
  deadline.unref();
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      interrupted = true;
      warn(`${signal}: cleaning up`);
      void cleanup(o, r).finally(() => process.exit(130));
    });
  }

  let db: Connection | undefined;
  try {
    if (o.pin) execFileSync("taskset", ["-a", "-c", "-p", "0", String(process.pid)], { stdio: "ignore" });
    const machine = await describeMachine(o);
    say(`machine: ${machine.nproc} × ${machine.cpu}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.mariadb}, Redis ${machine.redis}`);
    say(`uptime: ${machine.uptime}`);

    ({ admin: r.admin, dbUrl: r.dbUrl } = await createBenchDatabase(o.mysqlUrl, r.dbName));
    db = await createConnection({ uri: r.dbUrl, timezone: "Z" });
    let t = performance.now();
    const county = await createCounty(db, { cadres: o.recipients, towns: o.towns, villagesPerTown: o.villagesPerTown });
    const directoryMs = performance.now() - t;
    say(`database ${r.dbName}: ${fmt(county.units)} units, ${fmt(county.people)} people made in ${fmt(directoryMs)} ms; Redis prefix ${r.kvPrefix}`);

    // The fake WeChat Work, with the app's quota (WECOM_DAILY_QUOTA's default) enforced.
    const fake = new FakeWecom({ corpId: BENCH_APP.corpId, agentId: Number(BENCH_APP.agentId), secret: BENCH_APP.secret, directory: county.directory, dailyQuota: 200_000 });
    r.fake = fake;
    const fakeUrl = await fake.start();
    const dbForToken = new Database(await openDataSource({ db: { kind: "mysql", url: r.dbUrl } }, { migrate: false, entities }));
    const token = (await issueApiToken(dbForToken, { now: () => new Date() }, county.officerMobile, "叫应基准")).token;
    await dbForToken.close();

    const { proc, port } = await startChild(o, r, fakeUrl, mem);
    say(`product up on :${port} (pid ${proc.pid}${o.pin ? ", CPU 1; this process and the fake on CPU 0" : ""}); fake WeChat Work at ${fakeUrl}`);
    await sleep(1500);
    // Memory by phase: peaks while it runs, and what stays after a full collection at its end.
    const memory: MemPhase[] = [];
    let phaseFrom = Date.now();
    const endPhase = async (phase: string) => {
      const during = mem.filter((m) => m.t >= phaseFrom && !m.tag);
      const last = mem[mem.length - 1] as MemSample;
      const gc = await collectGarbage(proc, mem);
      memory.push({
        phase,
        peakRss: Math.max(last.rss, ...during.map((m) => m.rss)),
        peakHeapUsed: Math.max(last.heapUsed, ...during.map((m) => m.heapUsed)),
        rssAfter: gc.rss,
        heapUsedAfterGc: gc.heapUsed,
      });
      say(`memory (product) — ${phase}: peak RSS ${mb(memory[memory.length - 1]?.peakRss ?? 0)}, peak heap used ${mb(memory[memory.length - 1]?.peakHeapUsed ?? 0)}; after a full GC: RSS ${mb(gc.rss)}, heap used ${mb(gc.heapUsed)}`);
      phaseFrom = Date.now();
    };
    await endPhase("started, idle");

    // 1. Cards.
    const quiet1 = await waitForQuiet(o.quietWaitS * 1000);
    const loadBeforeSend = os.loadavg()[0] as number;
    const first = await sendCampaign(o, port, token, fake, county, "暴雨红色预警叫应（基准一）");
    const s = first.phase;
    say(
      `cards: draft ${fmt(s.draftMs)} ms, send request ${fmt(s.sendRequestMs)} ms; ${s.cardCalls} calls, largest ${s.maxUsersPerCall} users; ` +
        `first accepted after ${fmt(s.firstAcceptedS, 2)} s, last after ${fmt(s.lastAcceptedS, 2)} s; ${fmt(s.within10s)} of ${fmt(o.recipients)} within ${FIRST_MESSAGE_TARGET_S} s; ` +
        `dropped ${s.droppedByMemberLimits}, invalid ${s.invalid}, duplicates ${s.suppressedDuplicates}, refused calls ${s.refusedCalls}, more than one card ${s.peopleWithMoreCards}, no card ${s.peopleWithoutCard}`,
    );
    await endPhase("campaign one: draft and cards");

    // 2. Answers at a fixed rate.
    const pool = clickEnvelopes(first.cards, county.cadres, (msgid) => fake.clickCard(msgid));
    const cursor = new Cursor(pool, "unique");
    const quiet2 = await waitForQuiet(o.quietWaitS * 1000);
    const loadBeforeAnswers = os.loadavg()[0] as number;
    const fixed = await answerCampaign(
      o,
      db,
      port,
      token,
      first.id,
      async () => {
        const p: PacedResult = await paced({ port, rate: o.rate, durationS: o.recipients / o.rate, source: cursor });
        return { sent: p.sent, ok: p.ok, failed: p.failed, durationS: p.durationS, latencyMs: p.fromDue };
      },
      () => cursor.used,
      "fixed rate",
      proc.pid as number,
    );
    sayAnswers(fixed);
    await endPhase("campaign one: answers at a fixed rate");

    // 3. A second campaign answered as fast as the product takes it.
    let closed: AnswerPhase | undefined;
    let second: SendPhase | undefined;
    if (o.saturate) {
      await waitForQuiet(o.quietWaitS * 1000);
      const run = await sendCampaign(o, port, token, fake, county, "暴雨红色预警叫应（基准二）");
      second = run.phase;
      say(`second campaign's cards: last accepted after ${fmt(second.lastAcceptedS, 2)} s, ${fmt(second.within10s)} within ${FIRST_MESSAGE_TARGET_S} s`);
      const clicks = clickEnvelopes(run.cards, county.cadres, (msgid) => fake.clickCard(msgid));
      const fired = { sent: 0 };
      await waitForQuiet(o.quietWaitS * 1000);
      closed = await answerCampaign(
        o,
        db,
        port,
        token,
        run.id,
        async () => {
          const c: ClosedLoopResult = await closedLoop({ port, envelopes: clicks.items, connections: o.connections, fired });
          return { sent: c.sent, ok: c.ok, failed: c.failed, durationS: c.durationS, latencyMs: c.latencyMs };
        },
        () => fired.sent,
        "closed loop",
        proc.pid as number,
      );
      sayAnswers(closed);
      await endPhase("campaign two: draft, cards and closed-loop answers");
    }
    // Idle again: the jobs and the outbox worker keep polling; nothing should build up.
    await sleep(10_000);
    await endPhase("idle 10 s");
    await stopChild(proc);
    r.child = undefined;

    // 4. The minute tick at scale, with the product stopped (its outbox worker would send these).
    let tick: TickPhase | undefined;
    if (o.tick) {
      await waitForQuiet(o.quietWaitS * 1000);
      tick = await timeTick(o, r.dbUrl, county);
      say(`tick: draft ${fmt(tick.draftMs)} ms, cards ${fmt(tick.cardsMs)} ms; ${tick.rounds.map((x) => `${x.round} ${fmt(x.ms)} ms (${fmt(x.steps)} steps, ${x.messages} messages)`).join("; ")}; exactly once: ${tick.exactlyOnce}`);
    }

    const results = { options: o, machine, load: { beforeSend: loadBeforeSend, beforeAnswers: loadBeforeAnswers, quietBeforeSend: quiet1.quiet, quietBeforeAnswers: quiet2.quiet }, directoryMs, send: s, fixed, second, closed, memory, tick };
    const report = buildReport(o, machine, results);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = join(RESULTS_DIR, `callouts-${stamp()}${o.quick ? "-quick" : ""}`);
    writeFileSync(`${base}.json`, `${JSON.stringify({ ...results, memorySamples: downsample(mem, 400) }, null, 2)}\n`);
    writeFileSync(`${base}.md`, `${report}\n`);
    process.stdout.write(`\n${report}\n\nresults: ${base}.json and .md\n`);
  } finally {
    clearTimeout(deadline);
    if (db) await db.end().catch(() => undefined);
    if (!interrupted) await cleanup(o, r);
  }
}

function sayAnswers(a: AnswerPhase): void {
  say(
    `answers (${a.mode}): ${fmt(a.answered2xx)} of ${fmt(a.sent)} answered 2xx in ${fmt(a.sendDurationS, 1)} s (p50 ${fmt(a.latencyMs.p50, 1)} ms, p99 ${fmt(a.latencyMs.p99, 1)} ms); ` +
      `all recorded after ${fmt(a.allRecordedS, 2)} s = ${fmt(a.recordedPerS)}/s (steady ${fmt(a.steadyPerS)}/s, largest backlog ${fmt(a.maxBacklog)}); ` +
      `board ${a.board.counts.answered}/${a.board.counts.total}; CPU per answer: product ${fmt(a.cpu.appUsPerAnswer)} µs, MariaDB ${fmt(a.cpu.mariadbUsPerAnswer)} µs, Redis ${fmt(a.cpu.redisUsPerAnswer)} µs; not ours ${fmt(a.cpu.otherPct)} %`,
  );
}

interface MemPhase {
  phase: string;
  peakRss: number;
  peakHeapUsed: number;
  /** After a full collection at the phase's end. */
  rssAfter: number;
  heapUsedAfterGc: number;
}

/** Asks the product for a full collection (node --expose-gc) and waits for the sample it sends after it. */
async function collectGarbage(proc: ChildProcess, mem: MemSample[]): Promise<MemSample> {
  const since = Date.now();
  proc.send("gc");
  for (let i = 0; i < 250; i++) {
    const gc = mem.find((m) => m.tag === "after-gc" && m.t >= since);
    if (gc) return gc;
    await sleep(20);
  }
  throw new Error("the product did not report its memory after a collection");
}

function downsample<T>(list: T[], max: number): T[] {
  if (list.length <= max) return list;
  const step = list.length / max;
  return Array.from({ length: max }, (_, i) => list[Math.floor(i * step)] as T);
}

function buildReport(o: Options, m: Machine, x: { send: SendPhase; fixed: AnswerPhase; closed?: AnswerPhase; second?: SendPhase; memory: MemPhase[]; tick?: TickPhase; load: { beforeSend: number; beforeAnswers: number } }): string {
  const s = x.send;
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  const answerRow = (a: AnswerPhase) => [
    a.mode,
    `${fmt(a.answered2xx)} / ${fmt(a.sent)}`,
    fmt(a.sendDurationS, 1),
    `${fmt(a.latencyMs.p50, 1)} / ${fmt(a.latencyMs.p99, 1)} / ${fmt(a.latencyMs.max, 0)}`,
    fmt(a.allRecordedS, 2),
    fmt(a.recordedPerS),
    fmt(a.steadyPerS),
    fmt(a.maxBacklog),
    `${a.board.counts.answered} / ${a.board.counts.total}`,
    `${fmt(a.cpu.appUsPerAnswer)} / ${fmt(a.cpu.mariadbUsPerAnswer)} / ${fmt(a.cpu.redisUsPerAnswer)}`,
    fmt(a.cpu.otherPct),
  ];
  const exact = (a: AnswerPhase) => a.board.counts.answered === o.recipients && a.board.counts.total === o.recipients && a.board.counts.notYet === 0 && a.inbox.failed === 0;
  const out = [
    `叫应 benchmark — ${new Date().toISOString()}${o.quick ? " (--quick)" : ""}`,
    `${m.nproc} × ${m.cpu}, ${m.memGiB} GiB, Linux ${m.kernel}, node ${m.node}, ${m.mariadb} (innodb_flush_log_at_trx_commit=${m.innodbFlushLogAtTrxCommit}), Redis ${m.redis}`,
    `uptime before the run: ${m.uptime}; 1-min load before the cards ${fmt(x.load.beforeSend, 2)}, before the answers ${fmt(x.load.beforeAnswers, 2)}`,
    `${fmt(o.recipients)} recipients (village cadres of ${o.towns} towns × ${o.villagesPerTown} villages); the product as npm start runs it (jobs on, LOG_LEVEL=${o.logLevel} to /dev/null)${o.pin ? " on CPU 1, this process (fake WeChat Work + load) on CPU 0" : ""}; MariaDB and Redis unpinned.`,
    "",
    "First messages (campaign one):",
    table(
      ["draft ms", "send request ms", "card calls", "largest call", "first accepted s", "last accepted s", `within ${FIRST_MESSAGE_TARGET_S} s`, "dropped (30/min, 1000/h)", "invalid", "duplicates", "refused calls", "one card each"],
      [[fmt(s.draftMs), fmt(s.sendRequestMs), String(s.cardCalls), String(s.maxUsersPerCall), fmt(s.firstAcceptedS, 2), fmt(s.lastAcceptedS, 2), `${fmt(s.within10s)} / ${fmt(o.recipients)}`, String(s.droppedByMemberLimits), String(s.invalid), String(s.suppressedDuplicates), String(s.refusedCalls), `${fmt(s.peopleWithOneCard)} / ${fmt(o.recipients)}`]],
    ),
    `Card calls (s after the send request: users): ${s.calls.map((c) => `${fmt(c.atS, 2)}: ${c.users}`).join(", ")}`,
    "",
    "Answers (encrypted 「收到」 clicks, one per person):",
    table(
      ["mode", "2xx / sent", "sending s", "HTTP p50 / p99 / max ms", "all recorded after s", "recorded /s", "steady /s (10–90 %)", "largest backlog", "board answered / total", "CPU µs per answer: product / MariaDB / Redis", "not ours %"],
      [answerRow(x.fixed), ...(x.closed ? [answerRow(x.closed)] : [])],
    ),
    `(fixed rate: ${fmt(o.rate)}/s, latency from the scheduled send time; closed loop: ${o.connections} connections. "recorded" polls the answers in MariaDB every 250 ms.)`,
    "",
    "Memory of the product (sampled every 200 ms; a full GC at the end of each phase):",
    table(["phase", "peak RSS", "peak heap used", "RSS after", "heap used after GC"], x.memory.map((p) => [p.phase, mb(p.peakRss), mb(p.peakHeapUsed), mb(p.rssAfter), mb(p.heapUsedAfterGc)])),
  ];
  if (x.tick) {
    out.push(
      "",
      `Minute tick of a third ${fmt(o.recipients)}-person campaign (manual clock, product stopped): draft ${fmt(x.tick.draftMs)} ms, cards enqueued ${fmt(x.tick.cardsMs)} ms; every step exactly once: ${x.tick.exactlyOnce}`,
      table(["round", "ms", "steps", "outbox messages", "deliveries"], x.tick.rounds.map((t) => [t.round, fmt(t.ms), fmt(t.steps), String(t.messages), fmt(t.deliveries)])),
    );
  }
  const exactAll = exact(x.fixed) && (!x.closed || exact(x.closed));
  // At a fixed rate the answers cannot be recorded faster than they are sent: the product keeps
  // up when the steady rate matches the offered one and the last answer is recorded soon after
  // the last click. The closed loop shows how fast it can go.
  const lag = x.fixed.allRecordedS - x.fixed.sendDurationS;
  const startHeap = x.memory[0]?.heapUsedAfterGc ?? NaN;
  const endHeap = x.memory[x.memory.length - 1]?.heapUsedAfterGc ?? NaN;
  const flat = endHeap - startHeap <= 16 * 2 ** 20;
  const keptUp = o.rate >= ANSWER_TARGET_PER_S && x.fixed.steadyPerS >= 0.95 * o.rate && lag <= 1;
  out.push(
    "",
    `Targets: first messages within ${FIRST_MESSAGE_TARGET_S} s, no limit broken: ${met(s.within10s === o.recipients && s.callsOver1000 === 0 && s.droppedByMemberLimits === 0 && s.refusedCalls === 0 && s.peopleWithOneCard === o.recipients)}; ` +
      `answers at ≥ ${ANSWER_TARGET_PER_S}/s: kept up with ${fmt(o.rate)}/s offered ${met(keptUp)} (steady ${fmt(x.fixed.steadyPerS)}/s, last answer recorded ${fmt(lag, 2)} s after the last click)` +
      `${x.closed ? `, as fast as it goes ${met(x.closed.recordedPerS >= ANSWER_TARGET_PER_S)} (${fmt(x.closed.recordedPerS)}/s)` : ""}; ` +
      `board exact: ${met(exactAll)}; ` +
      `memory flat (heap in use after a full GC, start → end, within 16 MiB): ${met(flat)} (${mb(startHeap)} → ${mb(endHeap)}; RSS peak ${mb(Math.max(...x.memory.map((p) => p.peakRss)))}).`,
  );
  return out.join("\n");
}

async function describeMachine(o: Options): Promise<Machine> {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const u = new URL(o.mysqlUrl);
  const conn = await createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  const [v] = await conn.query("SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS f");
  await conn.end();
  const redis = new Redis(o.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let redisVersion = "?";
  try {
    await redis.connect();
    redisVersion = /redis_version:(\S+)/.exec(await redis.info("server"))?.[1] ?? "?";
  } finally {
    redis.disconnect();
  }
  return {
    nproc: os.cpus().length,
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    kernel: os.release(),
    mariadb: `MariaDB ${String((v as { v: string }[])[0]?.v)}`,
    innodbFlushLogAtTrxCommit: String((v as { f: string }[])[0]?.f),
    redis: redisVersion,
    uptime: execFileSync("uptime", { encoding: "utf8" }).trim(),
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(" "),
  };
}

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20)} MiB`;

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`benchmark failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
