import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { systemClock } from "../../src/clock";
import { openKv, type KeyValue } from "../../src/kv";
import type { Job } from "../../jobs/Job";
import { runJob } from "../../jobs/runJob";
import { startScheduler } from "../../jobs/scheduler";
import { backend, testConfig } from "../support/backend";

const log = pino({ level: "silent" });
const ctx = { clock: systemClock, log };

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
    const a = startScheduler(every("A"), ctx, kvA, "A");
    const b = startScheduler(every("B"), ctx, kvB, "B");
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
    const first = runJob(slow, ctx, kvA);
    await sleep(50);
    expect(await runJob(slow, ctx, kvB)).toEqual({ status: "skipped", reason: "running" });
    release();
    expect((await first).status).toBe("ok");
    const again = runJob({ ...slow, run: async () => "done" }, ctx, kvB);
    expect(await again).toMatchObject({ status: "ok", result: "done" });
  });

  it("records a failing run with its error instead of throwing", async () => {
    const outcome = await runJob({ name: "broken", cron: "* * * * *", run: async () => Promise.reject(new Error("数据库超时")) }, ctx, kvA);
    expect(outcome).toMatchObject({ status: "failed", error: "数据库超时" });
  });

  it("refuses an invalid cron expression at start", () => {
    expect(() => startScheduler([{ name: "bad", cron: "every day", run: async () => undefined }], ctx, kvA, "A")).toThrow(/bad/);
  });
});
