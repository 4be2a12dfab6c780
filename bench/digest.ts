import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
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
}

function parseArgs(argv: string[]): Options {
  const { num } = flags(argv);
  return {
    hazards: num("--hazards", 100_000),
    inspections: num("--inspections", 50_000),
    people: num("--people", 1_000),
    mysqlUrl: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306",
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
  for (let i = 0; i < o.hazards; i += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, o.hazards - i) }, (_, k) => {
      const n = i + k + 1;
      const reportedAt = new Date(NOW.getTime() - Math.floor(rand() * 365 * DAY));
      const state = pick(states);
      const e = rand() < 0.8 ? pick(enterprises) : null;
      const major = rand() < 0.03;
      return {
        number: `YH-B-${String(n).padStart(9, "0")}`, year: 2000 + Math.floor(n / 1_000_000), seq: n, source: "inspection" as const, state, level: major ? ("major" as const) : ("general" as const),
        category: "消防通道堵塞", description: "基准测试隐患", enterpriseId: e?.id ?? null, unitId: e?.supervisingUnitId ?? pick(town).id, locationText: e ? null : "基准测试地点",
        latitude: null, longitude: null, reporterId: pick(people).id, ownerId: e?.enterpriseOwnerId ?? null, supervisorId: e?.supervisorOwnerId ?? null, verifierId: null,
        measures: "整改", funds: null, deadline: new Date(reportedAt.getTime() + (7 + Math.floor(rand() * 30)) * DAY), contingencyPlan: null, listedForSupervision: major,
        leaderSignoffBy: null, leaderSignoffAt: null, enforcementStage: "advice" as const, reportedAt, closedAt: state === "closed" ? new Date(reportedAt.getTime() + 10 * DAY) : null, updatedAt: reportedAt, version: 1,
      };
    });
    await m.createQueryBuilder().insert().into(Hazard).values(rows).updateEntity(false).execute();
  }
  for (let i = 0; i < o.inspections; i += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, o.inspections - i) }, () => {
      const p = pick(people);
      return {
        inspectorId: p.id, unitId: p.unitId, enterpriseId: pick(enterprises).id, kind: pick(["routine", "enforcement", "special"] as const), result: "no_problem" as const, note: null,
        latitude: null, longitude: null, distanceMetres: null, farFromSite: false, hazardId: null, checkedInAt: new Date(NOW.getTime() - Math.floor(rand() * 365 * DAY)),
      };
    });
    await m.createQueryBuilder().insert().into(Inspection).values(rows).updateEntity(false).execute();
  }
}

/** Samples the heap every 50 ms while `work` runs. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; heapPeakMb: number; heapStartMb: number }> {
  const heapStartMb = process.memoryUsage().heapUsed / 2 ** 20;
  let peak = heapStartMb;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20)), 50);
  const t0 = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - t0, heapPeakMb: peak, heapStartMb };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dbName = `anshao_bench_${randomBytes(4).toString("hex")}`;
  const { admin, dbUrl } = await createBenchDatabase(o.mysqlUrl, dbName);
  const db = new Database(await openDataSource({ db: { kind: "mysql", url: dbUrl } }, { migrate: false, entities }));
  const lines: string[] = [];
  try {
    const clock = new ManualClock(new Date(NOW.getTime() - 400 * DAY));
    await loadDemo(db, clock);
    clock.set(NOW);
    say(`filling ${o.hazards} hazards, ${o.inspections} check-ins, ${o.people} extra people…`);
    const fillMs = (await measured(() => fill(db, o))).ms;
    const quotas = new QuotaService({ db, clock });
    const outbox = new OutboxService({ db, clock, quietHours: "21:00-08:00" });
    const digests = new DigestService({ db, clock, outbox, quotas, channels: ["wecom"], config: { hour: 8, recipients: [] } });
    const reports = new ReportService({ db, clock, media: nullMedia, outbox, channels: ["wecom"], recipients: [] });

    const quota = await measured(() => quotas.progress("QH", "2026-05"));
    const run = await measured(() => digests.runDue(NOW));
    const again = await measured(() => digests.runDue(NOW));
    const town = await db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL" });
    const county = await db.manager.findOneByOrFail(OrgUnit, { code: "QH" });
    const townBook = await measured(() => reports.workbook(town, "2026-05"));
    const countyBook = await measured(() => reports.workbook(county, "2026-05"));
    const monthRows = await db.manager.createQueryBuilder(Hazard, "h").where("h.reported_at >= :f AND h.reported_at < :t", { f: new Date("2026-04-30T16:00:00Z"), t: new Date("2026-05-31T16:00:00Z") }).getCount();

    const explain = async (label: string, sql: string, params: unknown[]) => {
      const rows = (await db.dataSource.query(`EXPLAIN ${sql}`, params)) as Record<string, unknown>[];
      lines.push(`#### ${label}`, "", "```", sql, "```", "", table(["table", "type", "key", "rows", "Extra"], rows.map((r) => [String(r.table), String(r.type), String(r.key), String(r.rows), String(r.Extra ?? "")])), "");
    };
    const scope = "SELECT su.id FROM org_units su WHERE su.path LIKE ?";
    const plans = async () => {
      await explain("逾期隐患（按单位范围）", `SELECT COUNT(*) FROM hazards h WHERE h.unit_id IN (${scope}) AND h.state IN ('assigned','rectifying') AND h.deadline IS NOT NULL AND h.deadline < ?`, [`${county.path}%`, NOW]);
      await explain("昨日新增隐患（按等级）", `SELECT h.level, COUNT(*) FROM hazards h WHERE h.unit_id IN (${scope}) AND h.reported_at >= ? AND h.reported_at < ? GROUP BY h.level`, [`${town.path}%`, new Date(NOW.getTime() - DAY), NOW]);
      await explain("镇街逾期隐患", `SELECT COUNT(*) FROM hazards h WHERE h.unit_id IN (${scope}) AND h.state IN ('assigned','rectifying') AND h.deadline IS NOT NULL AND h.deadline < ?`, [`${town.path}%`, NOW]);
      await explain("全县昨日新增隐患（全县不加单位条件）", "SELECT h.level, COUNT(*) FROM hazards h WHERE h.reported_at >= ? AND h.reported_at < ? GROUP BY h.level", [new Date(NOW.getTime() - DAY), NOW]);
      await explain("全县昨日销号", "SELECT COUNT(*) FROM hazards h WHERE h.closed_at >= ? AND h.closed_at < ?", [new Date(NOW.getTime() - DAY), NOW]);
      await explain(
        "日周月任务计数（按人分组，每个周期一列）",
        "SELECT i.inspector_id, SUM(CASE WHEN i.checked_in_at >= ? AND i.checked_in_at < ? THEN 1 ELSE 0 END) AS b0 FROM inspections i WHERE i.inspector_id IN (SELECT sp.id FROM people sp INNER JOIN org_units spu ON spu.id = sp.unit_id WHERE spu.path LIKE ? AND sp.active = 1) AND i.checked_in_at >= ? AND i.checked_in_at < ? GROUP BY i.inspector_id",
        [new Date("2026-04-30T16:00:00Z"), new Date("2026-05-31T16:00:00Z"), `${county.path}%`, new Date("2026-04-30T16:00:00Z"), new Date("2026-05-31T16:00:00Z")],
      );
      await explain("昨日巡查次数", `SELECT COUNT(*) FROM inspections i WHERE i.unit_id IN (${scope}) AND i.checked_in_at >= ? AND i.checked_in_at < ?`, [`${town.path}%`, new Date(NOW.getTime() - DAY), NOW]);
      await explain("月报隐患清单（分批）", `SELECT * FROM hazards h WHERE h.unit_id IN (${scope}) AND h.reported_at >= ? AND h.reported_at < ? AND h.id > ? ORDER BY h.id LIMIT 500`, [`${town.path}%`, new Date("2026-04-30T16:00:00Z"), new Date("2026-05-31T16:00:00Z"), 0]);
    };

    const report = [
      `# 每日简报与月报基准（${stamp()}）`,
      "",
      `数据：青禾县演示县 + ${fmt(o.hazards)} 条隐患、${fmt(o.inspections)} 条巡查打卡、${fmt(o.people)} 名网格员（MariaDB，填充 ${fmt(fillMs / 1000, 1)} s）。`,
      "",
      table(
        ["测量", "结果", "耗时", "堆内存（起始→峰值）"],
        [
          ["全县领导每日简报+周调度（runDue，含入队）", `日报 ${run.value.sent}、周报 ${run.value.weekly}`, `${fmt(run.ms)} ms`, `${fmt(run.heapStartMb)} → ${fmt(run.heapPeakMb)} MB`],
          [`全县 2026-05 日周月任务进度（SQL 分组计数，${fmt(quota.value.totals.people)} 人）`, `缺 ${fmt(quota.value.totals.missing)} 次`, `${fmt(quota.ms)} ms`, `${fmt(quota.heapStartMb)} → ${fmt(quota.heapPeakMb)} MB`],
          ["再次 runDue（已发送，不重复）", `日报 ${again.value.sent}`, `${fmt(again.ms)} ms`, ""],
          ["东岭镇 2026-05 月报（流式写出）", `${fmt(townBook.value.length / 1024)} KB`, `${fmt(townBook.ms)} ms`, `${fmt(townBook.heapStartMb)} → ${fmt(townBook.heapPeakMb)} MB`],
          [`全县 2026-05 月报（当月隐患 ${fmt(monthRows)} 条）`, `${fmt(countyBook.value.length / 1024)} KB`, `${fmt(countyBook.ms)} ms`, `${fmt(countyBook.heapStartMb)} → ${fmt(countyBook.heapPeakMb)} MB`],
        ],
      ),
      "",
      "### 查询计划（EXPLAIN）",
      "",
    ];
    await plans();
    const text = [...report, ...lines].join("\n");
    process.stdout.write(`${text}\n`);
    const dir = resolve(__dirname, "..", "..", "results");
    mkdirSync(dir, { recursive: true });
    writeFileSync(resolve(dir, `digest-${stamp()}.md`), `${text}\n`);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
