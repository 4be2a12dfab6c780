import { setTimeout as sleep } from "node:timers/promises";
import { Writable } from "node:stream";
import pino from "pino";
import { systemClock } from "../../src/clock";
import { openDataSource } from "../../src/db/dataSource";
import { Database } from "../../src/db/Database";
import { JobLock } from "../../src/db/entities";
import { dbJobLocks } from "../../src/db/jobLocks";
import { entities } from "../../src/features";
import { openKv, type KeyValue } from "../../src/kv";
import { RedisKv } from "../../src/kv/redisKv";
import type { Job } from "../../jobs/Job";
import { failoverJobLocks, kvJobLocks } from "../../jobs/jobLocks";
import { runJob } from "../../jobs/runJob";
import { startScheduler } from "../../jobs/scheduler";
import { backend, openTestStores, type TestStores, testConfig } from "../support/backend";

const log = pino({ level: "silent" });
const ctx = { clock: systemClock, log };
const byHand = (kv: KeyValue) => ({ locks: kvJobLocks(kv), owner: "test" });

describe(`jobs (${backend()})`, () => {
  let kvA: KeyValue;
  let kvB: KeyValue;

  beforeAll(async () => {
    const config = await testConfig();
    // Two connections to the same store: two instances of the fleet. In memory there is one process, one store.
    kvA = await openKv(config);
    kvB = config.kv.kind === "redis" ? await openKv(config) : kvA;
  });
  afterAll(async () => {
    await kvA.close();
    if (kvB !== kvA) await kvB.close();
  });

  it("runs each tick on exactly one of two instances, and a failing job does not stop the others", async () => {
    const ticks: { instance: string; second: number }[] = [];
    let failures = 0;
    const every = (instance: string): Job[] => [
      { name: "recordTick", cron: "* * * * * *", run: async () => ticks.push({ instance, second: Math.floor(Date.now() / 1000) }) },
      {
        name: "alwaysFails",
        cron: "* * * * * *",
        run: async () => {
          failures += 1;
          throw new Error("boom");
        },
      },
    ];
    const a = startScheduler(every("A"), ctx, kvJobLocks(kvA), "A");
    const b = startScheduler(every("B"), ctx, kvJobLocks(kvB), "B");
    await sleep(3300);
    await Promise.all([a.stop(), b.stop()]);

    const seconds = ticks.map((t) => t.second);
    expect(seconds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(failures).toBeLessThanOrEqual(seconds.length + 1);
  });

  it("skips a run while the previous one still holds the fleet-wide lock", async () => {
    let release!: () => void;
    const slow: Job = { name: "slowDigest", cron: "* * * * *", run: () => new Promise<void>((r) => (release = r)) };
    const first = runJob(slow, ctx, byHand(kvA));
    await sleep(50);
    expect(await runJob(slow, ctx, byHand(kvB))).toEqual({ status: "skipped", reason: "running" });
    release();
    expect((await first).status).toBe("ok");
    const again = runJob({ ...slow, run: async () => "done" }, ctx, byHand(kvB));
    expect(await again).toMatchObject({ status: "ok", result: "done" });
  });

  it("records a failing run with its error instead of throwing", async () => {
    const outcome = await runJob({ name: "broken", cron: "* * * * *", run: async () => Promise.reject(new Error("数据库超时")) }, ctx, byHand(kvA));
    expect(outcome).toMatchObject({ status: "failed", error: "数据库超时" });
  });

  it("refuses an invalid cron expression at start", () => {
    expect(() => startScheduler([{ name: "bad", cron: "every day", run: async () => undefined }], ctx, kvJobLocks(kvA), "A")).toThrow(/bad/);
  });

  it("writes node-cron's own warnings as one JSON line of the app's log, nothing on the console", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean)), done()) });
    const appLog = pino({ level: "info" }, sink);
    const consoleWrites: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => (consoleWrites.push(String(chunk)), true)),
    );
    try {
      // A run longer than the period: node-cron blocks the next tick and says so.
      const slow: Job = { name: "slowEverySecond", cron: "* * * * * *", run: () => sleep(1600) };
      const scheduler = startScheduler([slow], { clock: systemClock, log: appLog }, kvJobLocks(kvA), "A");
      await sleep(2600);
      await scheduler.stop();
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
    expect(consoleWrites.filter((w) => w.includes("NODE-CRON") || w.includes("\x1b["))).toEqual([]);
    const records = lines.map((l) => JSON.parse(l) as { source?: string; msg: string; level: number });
    const fromCron = records.filter((r) => r.source === "node-cron");
    expect(fromCron.length).toBeGreaterThanOrEqual(1);
    expect(fromCron[0]).toMatchObject({ level: 40, msg: expect.stringContaining("still running") });
    expect(lines.every((l) => !l.includes("\x1b["))).toBe(true);
  });

  describe("while Redis is down", () => {
    let stores: TestStores;
    let dbB: Database;
    let deadKv: RedisKv;

    beforeAll(async () => {
      stores = await openTestStores();
      // A second instance has its own pool on MariaDB; on SQLite the one in-memory database is the fleet's.
      dbB = stores.config.db.kind === "mysql" ? new Database(await openDataSource(stores.config, { migrate: false, entities })) : stores.db;
      // Nothing listens on this port: every kv call fails, as with Redis stopped.
      deadKv = new RedisKv("redis://127.0.0.1:6392/0", "as:dead:");
    });
    afterAll(async () => {
      await deadKv.close().catch(() => undefined);
      if (dbB !== stores.db) await dbB.close();
      await stores.close();
    });

    it("still runs every due tick, exactly once across two instances, coordinated by the database", async () => {
      const ticks: { instance: string; second: number }[] = [];
      const every = (instance: string): Job[] => [
        { name: "inboxRedrive", cron: "* * * * * *", run: async () => ticks.push({ instance, second: Math.floor(Date.now() / 1000) }) },
      ];
      const locksFor = (db: Database) => failoverJobLocks(kvJobLocks(deadKv), dbJobLocks(db, systemClock), log);
      const a = startScheduler(every("A"), ctx, locksFor(stores.db), "A");
      const b = startScheduler(every("B"), ctx, locksFor(dbB), "B");
      await sleep(3300);
      await Promise.all([a.stop(), b.stop()]);

      const seconds = ticks.map((t) => t.second);
      expect(seconds.length).toBeGreaterThanOrEqual(2);
      expect(new Set(seconds).size).toBe(seconds.length);
      const row = await stores.db.manager.findOneByOrFail(JobLock, { name: "inboxRedrive" });
      expect(row.owner).toMatch(/^[AB]:/);
    });

    it("keeps a slow run from overlapping, and frees the job when the run ends", async () => {
      const locks = failoverJobLocks(kvJobLocks(deadKv), dbJobLocks(stores.db, systemClock), log);
      let release!: () => void;
      const slow: Job = { name: "calloutTick", cron: "* * * * *", run: () => new Promise<void>((r) => (release = r)) };
      const first = runJob(slow, ctx, { locks, owner: "A", tick: "2026-12-02T10:00:00.000Z" });
      await sleep(50);
      expect(await runJob(slow, ctx, { locks, owner: "B", tick: "2026-12-02T10:01:00.000Z" })).toEqual({ status: "skipped", reason: "running" });
      release();
      expect((await first).status).toBe("ok");
      expect(await runJob(slow, ctx, { locks, owner: "B", tick: "2026-12-02T10:00:00.000Z" })).toEqual({ status: "skipped", reason: "not_elected" });
      expect(await runJob({ ...slow, run: async () => "done" }, ctx, { locks, owner: "B", tick: "2026-12-02T10:02:00.000Z" })).toMatchObject({ status: "ok", result: "done" });
    });
  });
});
