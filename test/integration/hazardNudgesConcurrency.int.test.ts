import type { EntityManager } from "typeorm";
import { Database } from "../../src/db/Database";
import { openDataSource } from "../../src/db/dataSource";
import { Hazard, HazardLedgerEntry, HazardNudge, OutboxMessage } from "../../src/db/entities";
import type { NudgeOutbox, NudgeRunResult } from "../../src/domain/hazards/nudges";
import { OutboxService } from "../../src/domain/outbox";
import type { EnqueueRequest } from "../../src/domain/outbox";
import { backend } from "../support/backend";
import { DAY, HOUR, type NudgeHarness, openNudgeHarness } from "../support/nudgeHarness";

// Two instances on one tick, and a crash inside the tick's transaction.
describe(`hazard nudges: concurrency and crashes (${backend()})`, () => {
  let h: NudgeHarness;
  beforeEach(async () => {
    h = await openNudgeHarness();
  });
  afterEach(() => h.close());

  /** Thirty hazards of six owners at every rung of the ladder, and a few majors. */
  async function seedLadder(): Promise<void> {
    const owners = await Promise.all([35, 36, 38, 40, 42, 44].map((n) => h.person(n)));
    const supervisor = await h.person(8);
    for (let i = 0; i < 30; i++) {
      const owner = owners[i % owners.length];
      if (!owner) throw new Error("no owner");
      const deadline = new Date(h.clock.now().getTime() + (1 - (i % 10)) * DAY + HOUR);
      await h.hazard({ deadline, ownerId: owner.id, supervisorId: supervisor.id, unitId: owner.unitId, level: i % 7 === 0 ? "major" : "general" });
    }
  }

  /** No step recorded twice, and no person given the same step's bundle twice in one tick. */
  async function expectNoDuplicates(): Promise<void> {
    const steps = await h.steps();
    expect(new Set(steps.map((s) => `${s.hazardId}:${s.step}:${s.deadline.getTime()}`)).size).toBe(steps.length);
    const sent = await h.sent();
    expect(new Set(sent.map((s) => `${s.step}:${s.personId}:${s.createdAt.getTime()}`)).size).toBe(sent.length);
  }

  it("two instances running the same ticks take every step exactly once", async () => {
    await seedLadder();
    // On MariaDB the second instance has its own pool and outbox: truly concurrent transactions.
    const db2 = backend() === "mysql" ? new Database(await openDataSource(h.stores.config, { migrate: false })) : h.db;
    const outbox2 = new OutboxService({ db: db2, clock: h.clock, quietHours: h.stores.config.outbox.quietHours });
    const one = h.nudges();
    const two = h.nudges({ db: db2, outbox: outbox2 });
    const totals: NudgeRunResult = { hazards: 0, steps: 0, messages: 0 };
    try {
      for (let tick = 0; tick < 12; tick++) {
        const now = h.clock.now();
        const results = await Promise.all([one.runDue(now), two.runDue(now)]);
        // The second waits on the first's row locks, then finds every due step taken.
        expect(Math.min(...results.map((r) => r.steps))).toBe(0);
        for (const r of results) {
          totals.steps += r.steps;
          totals.messages += r.messages;
        }
        h.clock.advance(DAY);
      }
    } finally {
      if (db2 !== h.db) await db2.close();
    }
    await expectNoDuplicates();
    expect(totals.steps).toBe((await h.steps()).length);
    expect(totals.messages).toBe(await h.db.manager.count(OutboxMessage));
    // By the last tick every hazard is 7 days past its deadline: all four steps of each taken.
    expect(await h.db.manager.count(HazardNudge)).toBe(30 * 4);
  });

  it("a crash before commit records nothing, and the next tick does the work", async () => {
    await seedLadder();
    let enqueued = 0;
    const crashing: NudgeOutbox = {
      async enqueue(tx: EntityManager, request: EnqueueRequest) {
        const result = await h.outbox.enqueue(tx, request);
        if (++enqueued === 3) throw new Error("simulated crash mid-tick");
        return result;
      },
    };
    const now = h.clock.now();
    await expect(h.nudges({ outbox: crashing }).runDue(now)).rejects.toThrow("simulated crash mid-tick");
    expect(await h.db.manager.count(HazardNudge)).toBe(0);
    expect(await h.db.manager.count(OutboxMessage)).toBe(0);
    expect(await h.db.manager.count(HazardLedgerEntry)).toBe(0);
    expect(await h.db.manager.countBy(Hazard, { listedForSupervision: true })).toBe(0);

    const retried = await h.nudges().runDue(now);
    expect(retried.steps).toBeGreaterThan(0);
    expect(retried.messages).toBe(await h.db.manager.count(OutboxMessage));
    expect(await h.db.manager.count(HazardLedgerEntry)).toBe(retried.steps);
    await expectNoDuplicates();
  });
});
