import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { ManualClock } from "../src/clock";
import { openDataSource } from "../src/db/dataSource";
import { Database } from "../src/db/Database";
import { Enterprise, Hazard, Inspection, OrgUnit, Person } from "../src/db/entities";
import { loadDemo } from "../src/domain/demo/loadDemo";
import { DigestService } from "../src/domain/digest";
import { OutboxService } from "../src/domain/outbox";
import { QuotaService } from "../src/domain/quotas";
import { ReportService } from "../src/domain/reports";
import { entities } from "../src/features";
import type { MediaStore } from "../src/media/MediaStore";
import { createBenchDatabase, flags, say, stamp } from "./lib/run";
import { fmt, table } from "./lib/report";

/**
 * `npx tsc -p bench/tsconfig.json && node bench/.build/bench/digest.js [-- options]`: the digest and
 * monthly-report benchmark of issue 14, scaled down (see bench/README.md, "每日简报与月报").
 *
 * The demo county 青禾县 in a throw-away MariaDB database, filled with `--hazards` hazards and
 * `--inspections` check-ins over the year before 2026-06-15 and `--people` extra grid members. Then:
 * every leader's digest of one morning built and enqueued (DigestService.runDue, the job's own
 * call), one town's monthly workbook written (streamed), heap sampled throughout, and the plans of
 * the queries the digest leans on (EXPLAIN).
 */

interface Options {
  hazards: number;
  inspections: number;
  people: number;
  mysqlUrl: string;
  /** `--db NAME`: a database kept between runs, filled once (seeding a million rows takes minutes); none: a throw-away one. */
  keep: string | null;
  /** `--label x`: appended to the results file's name. */
  label: string;
  /** `--repeat n`: the digest run and the town's workbook measured n times (the machine is shared: the fastest is the least disturbed). */
  repeat: number;
}

function parseArgs(argv: string[]): Options {
  const { num, value } = flags(argv);
  const keep = value("--db") ?? null;
  if (keep !== null && !/^anshao_bench_[a-z0-9_]+$/.test(keep)) throw new Error("--db must be named anshao_bench_<something>");
  return {
    hazards: num("--hazards", 100_000),
    inspections: num("--inspections", 50_000),
    people: num("--people", 1_000),
    mysqlUrl: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306",
    keep,
    label: value("--label") ?? "",
    repeat: num("--repeat", 1),
  };
}

const DAY = 86_400_000;
const NOW = new Date("2026-06-15T00:00:00Z"); // 08:00 Monday in Shanghai: daily and weekly both due
const CHUNK = 1_000;

/** A deterministic pseudo-random stream, so two runs fill the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Media that keeps nothing: the benchmark times the workbook, not the disk. */
const nullMedia: MediaStore = { maxBytes: 1 << 30, save: async (bytes, contentType) => ({ key: "bench.xlsx", contentType, size: bytes.length }), read: async () => { throw new Error("not stored"); } };

/** Rows per multi-row INSERT while filling. */
const ROWS_PER_INSERT = 2_000;

/** One multi-row INSERT of `rows` (values in `columns` order). */
async function insertRows(db: Database, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const one = `(${columns.map(() => "?").join(", ")})`;
  await db.dataSource.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${rows.map(() => one).join(", ")}`, rows.flat());
}

const HAZARD_COLUMNS = [
  "number", "year", "seq", "source", "state", "level", "category", "description", "enterprise_id", "unit_id", "location_text", "reporter_id", "owner_id", "supervisor_id",
  "measures", "deadline", "listed_for_supervision", "enforcement_stage", "reported_at", "closed_at", "updated_at", "version",
];
const INSPECTION_COLUMNS = ["inspector_id", "unit_id", "enterprise_id", "kind", "result", "far_from_site", "checked_in_at"];

/** `n` instants over the year before NOW, oldest first: ids rise with time, as rows written day by day do. */
function instants(rand: () => number, n: number): number[] {
  const at = Array.from({ length: n }, () => NOW.getTime() - Math.floor(rand() * 365 * DAY));
  return at.sort((a, b) => a - b);
}

async function fill(db: Database, o: Options): Promise<void> {
  const m = db.manager;
  const units = await m.find(OrgUnit);
  const town = units.filter((u) => u.kind === "town" || u.kind === "village");
  const enterprises = await m.find(Enterprise);
  const staff = (await m.find(Person)).filter((p) => p.roles.some((r) => ["inspector", "enforcer", "grid_member", "village_cadre", "admin_owner", "dept_supervisor"].includes(r)));
  const rand = rng(14);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

  const villages = units.filter((u) => u.kind === "village");
  for (let i = 0; i < o.people; i += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, o.people - i) }, (_, k) => ({
      name: `网格员${i + k}`, mobile: `1370${String(i + k).padStart(7, "0")}`, unitId: pick(villages).id, roles: ["grid_member"] as Person["roles"], superiorId: null,
      wecomUserId: `bench_${i + k}`, dingtalkUserId: null, active: true, createdAt: NOW, updatedAt: NOW,
    }));
    await m.createQueryBuilder().insert().into(Person).values(rows).updateEntity(false).execute();
  }
  const people = [...staff, ...(await m.find(Person)).filter((p) => p.mobile.startsWith("1370"))];

  const states = ["reported", "assigned", "rectifying", "submitted", "verified", "closed"] as const;
  const reported = instants(rand, o.hazards);
  for (let i = 0; i < o.hazards; i += ROWS_PER_INSERT) {
    const rows = Array.from({ length: Math.min(ROWS_PER_INSERT, o.hazards - i) }, (_, k) => {
      const n = i + k + 1;
      const reportedAt = new Date(reported[i + k] as number);
      const state = pick(states);
      const e = rand() < 0.8 ? pick(enterprises) : null;
      const major = rand() < 0.03;
      const deadline = new Date(reportedAt.getTime() + (7 + Math.floor(rand() * 30)) * DAY);
      return [
        `YH-B-${String(n).padStart(9, "0")}`, 2000 + Math.floor(n / 1_000_000), n, "inspection", state, major ? "major" : "general", "消防通道堵塞", "基准测试隐患", e?.id ?? null,
        e?.supervisingUnitId ?? pick(town).id, e ? null : "基准测试地点", pick(people).id, e?.enterpriseOwnerId ?? null, e?.supervisorOwnerId ?? null,
        "整改", deadline, major, "advice", reportedAt, state === "closed" ? new Date(reportedAt.getTime() + 10 * DAY) : null, reportedAt, 1,
      ];
    });
    await insertRows(db, "hazards", HAZARD_COLUMNS, rows);
    if ((i / ROWS_PER_INSERT) % 50 === 49) say(`  ${fmt(i + rows.length)} hazards`);
  }
  const checkedIn = instants(rand, o.inspections);
  for (let i = 0; i < o.inspections; i += ROWS_PER_INSERT) {
    const rows = Array.from({ length: Math.min(ROWS_PER_INSERT, o.inspections - i) }, (_, k) => {
      const p = pick(people);
      return [p.id, p.unitId, pick(enterprises).id, pick(["routine", "enforcement", "special"] as const), "no_problem", false, new Date(checkedIn[i + k] as number)];
    });
    await insertRows(db, "inspections", INSPECTION_COLUMNS, rows);
  }
}

/** A kept database is filled once: the demo county and the rows asked for. */
async function seeded(db: Database, o: Options): Promise<boolean> {
  const [h, i] = await Promise.all([db.manager.count(Hazard), db.manager.count(Inspection)]);
  if (h === 0 && i === 0) return false;
  if (h !== o.hazards || i !== o.inspections) throw new Error(`database holds ${h} hazards and ${i} check-ins, not the ${o.hazards} and ${o.inspections} asked for: drop it or name another with --db`);
  return true;
}

/** A kept database: what the last run sent is forgotten, so this run builds and enqueues every digest again. */
async function forgetDigests(db: Database): Promise<void> {
  await db.dataSource.query("DELETE FROM digests");
  await db.dataSource.query("DELETE FROM outbox_deliveries WHERE message_id IN (SELECT id FROM outbox_messages WHERE source LIKE 'digest:%')");
  await db.dataSource.query("DELETE FROM outbox_messages WHERE source LIKE 'digest:%'");
}

/** The fastest of several measurements, with every time kept for the report. */
function fastest<T extends { ms: number }>(all: T[]): T & { all: string } {
  const best = all.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...best, all: all.map((m) => fmt(m.ms)).join(" / ") };
}

/** Samples the heap every 50 ms while `work` runs. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number; heapPeakMb: number; heapStartMb: number }> {
  const heapStartMb = process.memoryUsage().heapUsed / 2 ** 20;
  let peak = heapStartMb;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20)), 50);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const value = await work();
    const cpu = process.cpuUsage(cpu0);
    return { value, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, heapPeakMb: peak, heapStartMb };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dbName = o.keep ?? `anshao_bench_${randomBytes(4).toString("hex")}`;
  const { admin, dbUrl } = await createBenchDatabase(o.mysqlUrl, dbName, { reuse: o.keep !== null });
  const db = new Database(await openDataSource({ db: { kind: "mysql", url: dbUrl } }, { migrate: false, entities }));
  const lines: string[] = [];
  try {
    const clock = new ManualClock(new Date(NOW.getTime() - 400 * DAY));
    let fillMs: number | null = null;
    if (await seeded(db, o)) {
      say(`reusing ${dbName} (already filled)`);
      await forgetDigests(db);
    } else {
      await loadDemo(db, clock);
      say(`filling ${o.hazards} hazards, ${o.inspections} check-ins, ${o.people} extra people…`);
      fillMs = (await measured(() => fill(db, o))).ms;
      // Fresh statistics for the optimiser, as a database that grew day by day would have.
      for (const t of ["hazards", "inspections", "people", "org_units", "enterprises"]) await db.dataSource.query(`ANALYZE TABLE ${t}`);
    }
    clock.set(NOW);
    const load = loadavg().map((l) => l.toFixed(2)).join(" / ");
    const quotas = new QuotaService({ db, clock });
    const outbox = new OutboxService({ db, clock, quietHours: "21:00-08:00" });
    const digests = new DigestService({ db, clock, outbox, quotas, channels: ["wecom"], config: { hour: 8, recipients: [] } });
    const reports = new ReportService({ db, clock, media: nullMedia, outbox, channels: ["wecom"], recipients: [] });

    const quota = await measured(() => quotas.progress("QH", "2026-05"));
    const runs: Awaited<ReturnType<typeof measured<Awaited<ReturnType<typeof digests.runDue>>>>>[] = [];
    for (let r = 0; r < o.repeat; r++) {
      if (r > 0) await forgetDigests(db);
      runs.push(await measured(() => digests.runDue(NOW)));
    }
    const run = fastest(runs);
    const again = await measured(() => digests.runDue(NOW));
    const town = await db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL" });
    const county = await db.manager.findOneByOrFail(OrgUnit, { code: "QH" });
    // Written as the download route writes it, into a stream; the bytes are counted and dropped, so the heap shows the writer's own memory.
    const book = async (unit: OrgUnit) => {
      let bytes = 0;
      const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((bytes += chunk.length), done()) });
      const finished = new Promise((ok, fail) => sink.on("finish", ok).on("error", fail));
      const summary = await reports.write(await reports.prepare(unit.code, "2026-05"), sink);
      await finished;
      return { length: bytes, rows: summary };
    };
    const townBooks: Awaited<ReturnType<typeof measured<Awaited<ReturnType<typeof book>>>>>[] = [];
    for (let r = 0; r < o.repeat; r++) townBooks.push(await measured(() => book(town)));
    const townBook = fastest(townBooks);
    const countyBook = await measured(() => book(county));
    const monthRows = await db.manager.createQueryBuilder(Hazard, "h").where("h.reported_at >= :f AND h.reported_at < :t", { f: new Date("2026-04-30T16:00:00Z"), t: new Date("2026-05-31T16:00:00Z") }).getCount();

    // ANALYZE runs each query and reports the plan with the rows actually read (r_rows) and its time.
    const explain = async (label: string, sql: string, params: unknown[]) => {
      const t0 = performance.now();
      const rows = (await db.dataSource.query(`ANALYZE ${sql}`, params)) as Record<string, unknown>[];
      const ms = performance.now() - t0;
      lines.push(`#### ${label}（${fmt(ms)} ms）`, "", "```", sql, "```", "", table(["table", "type", "key", "rows", "r_rows", "Extra"], rows.map((r) => [String(r.table), String(r.type), String(r.key), String(r.rows), String(r.r_rows), String(r.Extra ?? "")])), "");
    };
    const yesterday = [new Date(NOW.getTime() - DAY), NOW];
    const week = [new Date(NOW.getTime() - 7 * DAY), NOW];
    const may = [new Date("2026-04-30T16:00:00Z"), new Date("2026-05-31T16:00:00Z")];
    const open = "h.state IN ('assigned','rectifying') AND h.deadline IS NOT NULL AND h.deadline < ?";
    const red = "(h.listed_for_supervision = 1 OR h.level = 'major')";
    const [mayIds] = (await db.dataSource.query("SELECT MIN(h.id) AS first, MAX(h.id) AS last FROM hazards h WHERE h.reported_at >= ? AND h.reported_at < ?", may)) as { first: number; last: number }[];
    const scope = "SELECT su.id FROM org_units su WHERE su.path LIKE ?";
    const plans = async () => {
      await explain("全县逾期与红色隐患，按单位分组（一次，各领导范围相加）", `SELECT h.unit_id, COUNT(*), SUM(CASE WHEN ${red} THEN 1 ELSE 0 END) FROM hazards h WHERE ${open} GROUP BY h.unit_id`, [NOW]);
      const unitState = "h.unit_id = ? AND h.state = 'rectifying' AND h.deadline IS NOT NULL AND h.deadline < ?";
      await explain("某单位某状态第 50 项红色隐患的整改时限（每个有红色隐患的单位、每个未整改状态一条）", `SELECT h.deadline FROM hazards h WHERE ${unitState} AND ${red} ORDER BY h.deadline LIMIT 1 OFFSET 49`, [town.id, NOW]);
      const [nth] = (await db.dataSource.query(`SELECT h.deadline AS d FROM hazards h WHERE ${unitState} AND ${red} ORDER BY h.deadline LIMIT 1 OFFSET 49`, [town.id, NOW])) as { d: Date }[];
      await explain("……及其之前的红色隐患 id（含同一时限的并列）", `SELECT h.id FROM hazards h WHERE ${unitState} AND ${red} AND h.deadline <= ?`, [town.id, NOW, nth?.d ?? NOW]);
      await explain("某单位某状态第 5 项逾期隐患的整改时限（最逾期 5 项）", `SELECT h.deadline FROM hazards h WHERE ${unitState} ORDER BY h.deadline LIMIT 1 OFFSET 4`, [town.id, NOW]);
      await explain("昨日新增隐患，按单位、等级分组", "SELECT h.unit_id, h.level, COUNT(*) FROM hazards h WHERE h.reported_at >= ? AND h.reported_at < ? GROUP BY h.unit_id, h.level", yesterday);
      await explain("昨日销号，按单位分组", "SELECT h.unit_id, COUNT(*) FROM hazards h WHERE h.closed_at >= ? AND h.closed_at < ? GROUP BY h.unit_id", yesterday);
      await explain("近 7 日巡查，按单位分组（排名）", "SELECT i.unit_id, COUNT(*) FROM inspections i WHERE i.checked_in_at >= ? AND i.checked_in_at < ? GROUP BY i.unit_id", week);
      await explain(
        "日周月任务计数（全县一次，只数有任务规则的人，按人分组，每个周期一列）",
        `SELECT i.inspector_id, SUM(CASE WHEN i.checked_in_at >= ? AND i.checked_in_at < ? AND i.kind = 'enforcement' THEN 1 ELSE 0 END) AS b0 FROM inspections i WHERE i.inspector_id IN (${quota.value.people.map(() => "?").join(", ")}) AND i.checked_in_at >= ? AND i.checked_in_at < ? GROUP BY i.inspector_id`,
        [...may, ...quota.value.people.map((p) => p.personId), ...may],
      );
      const townUnits = (await db.manager.find(OrgUnit)).filter((u) => u.path.startsWith(town.path)).map((u) => u.id);
      await explain(
        "月报汇总：东岭镇当月隐患的各项计数（一次读完，单位按 id 列出）",
        `SELECT COUNT(*), SUM(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END), SUM(CASE WHEN h.state IN ('verified','closed') THEN 1 ELSE 0 END), SUM(CASE WHEN ${open} THEN 1 ELSE 0 END) FROM hazards h WHERE h.unit_id IN (${townUnits.map(() => "?").join(", ")}) AND h.reported_at >= ? AND h.reported_at < ?`,
        [NOW, ...townUnits, ...may],
      );
      await explain("月报：当月隐患的 id 范围", "SELECT MIN(h.id), MAX(h.id) FROM hazards h WHERE h.reported_at >= ? AND h.reported_at < ?", may);
      await explain(
        "月报隐患清单（东岭镇，第一批）",
        `SELECT * FROM hazards h WHERE h.unit_id IN (${scope}) AND h.reported_at >= ? AND h.reported_at < ? AND h.id > ? AND h.id <= ? ORDER BY h.id LIMIT 2000`,
        [`${town.path}%`, ...may, (mayIds?.first ?? 1) - 1, mayIds?.last ?? 0],
      );
    };

    const report = [
      `# 每日简报与月报基准（${stamp()}）`,
      "",
      `数据：青禾县演示县 + ${fmt(o.hazards)} 条隐患、${fmt(o.inspections)} 条巡查打卡、${fmt(o.people)} 名网格员（MariaDB ${dbName}，${fillMs === null ? "沿用已填充的库" : `填充 ${fmt(fillMs / 1000, 1)} s`}）。`,
      "",
      `机器：${cpus().length} 核；开始时负载（1/5/15 分钟）${load}，结束时 ${loadavg().map((l) => l.toFixed(2)).join(" / ")}（机器与其他任务共用）。`,
      "",
      table(
        ["测量", "结果", "耗时", "本进程 CPU", "堆内存（起始→峰值）"],
        [
          [`全县领导每日简报+周调度（runDue，含入队；${o.repeat} 次中最快，各次 ${run.all} ms）`, `日报 ${run.value.sent}、周报 ${run.value.weekly}`, `${fmt(run.ms)} ms`, `${fmt(run.cpuMs)} ms`, `${fmt(run.heapStartMb)} → ${fmt(run.heapPeakMb)} MB`],
          [`全县 2026-05 日周月任务进度（SQL 分组计数，${fmt(quota.value.totals.people)} 人）`, `缺 ${fmt(quota.value.totals.missing)} 次`, `${fmt(quota.ms)} ms`, `${fmt(quota.cpuMs)} ms`, `${fmt(quota.heapStartMb)} → ${fmt(quota.heapPeakMb)} MB`],
          ["再次 runDue（已发送，不重复）", `日报 ${again.value.sent}`, `${fmt(again.ms)} ms`, `${fmt(again.cpuMs)} ms`, ""],
          [`东岭镇 2026-05 月报（${o.repeat} 次中最快，各次 ${townBook.all} ms；流式写出，当月隐患 ${fmt(townBook.value.rows.hazards)} 条、巡查 ${fmt(townBook.value.rows.inspections)} 条）`, `${fmt(townBook.value.length / 1024)} KB`, `${fmt(townBook.ms)} ms`, `${fmt(townBook.cpuMs)} ms`, `${fmt(townBook.heapStartMb)} → ${fmt(townBook.heapPeakMb)} MB`],
          [`全县 2026-05 月报（当月隐患 ${fmt(monthRows)} 条）`, `${fmt(countyBook.value.length / 1024)} KB`, `${fmt(countyBook.ms)} ms`, `${fmt(countyBook.cpuMs)} ms`, `${fmt(countyBook.heapStartMb)} → ${fmt(countyBook.heapPeakMb)} MB`],
        ],
      ),
      "",
      "### 查询计划（ANALYZE：执行并给出实际读取行数 r_rows）",
      "",
    ];
    await plans();
    const text = [...report, ...lines].join("\n");
    process.stdout.write(`${text}\n`);
    const dir = resolve(__dirname, "..", "..", "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, `digest-${stamp()}${o.label ? `-${o.label}` : ""}.md`), `${text}\n`);
  } finally {
    await db.close();
    if (o.keep === null) await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
