import type { EntityManager } from "typeorm";
import { Database } from "../../src/db/Database";
import { openDataSource } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { EscalationStep, Hazard, HazardLedgerEntry, OutboxMessage } from "../../src/db/entities";
import type { NudgeOutbox, NudgeRunResult } from "../../src/domain/hazards/nudges";
import { OutboxService } from "../../src/domain/outbox";
import type { EnqueueRequest } from "../../src/domain/outbox";
import { backend } from "../support/backend";
import { DAY, HOUR, type NudgeHarness, openNudgeHarness } from "../support/nudgeHarness";

// Two instances on one tick, and a crash inside the tick's transaction.
// The crash and retry rounds on MariaDB take tens of seconds on a loaded 2-core machine.
jest.setTimeout(120_000);

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

  /**
   * After a failure the tick bundles smaller groups, so a person may get two bundles of one step;
   * what must still hold is that no step is recorded twice and no hazard is in two of them.
   */
  async function expectNoRepeats(): Promise<void> {
    const steps = await h.steps();
    expect(new Set(steps.map((s) => `${s.hazardId}:${s.step}:${s.deadline.getTime()}`)).size).toBe(steps.length);
    const lines = (await h.sent()).flatMap((s) => (s.markdown.match(/YH-\d{4}-\d{6}/g) ?? []).map((n) => `${s.step}:${s.personId}:${n}`));
    expect(new Set(lines).size).toBe(lines.length);
  }

  it("two instances running the same ticks take every step exactly once", async () => {
    await seedLadder();
    // On MariaDB the second instance has its own pool and outbox: truly concurrent transactions.
    const db2 = backend() === "mysql" ? new Database(await openDataSource(h.stores.config, { migrate: false, entities })) : h.db;
    const outbox2 = new OutboxService({ db: db2, clock: h.clock, quietHours: h.stores.config.outbox.quietHours });
    const one = h.nudges();
    const two = h.nudges({ db: db2, outbox: outbox2 });
    const totals: NudgeRunResult = { hazards: 0, steps: 0, messages: 0, failed: [] };
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
    expect(await h.db.manager.count(EscalationStep, { where: { caseKind: "hazard" } })).toBe(30 * 4);
  });

  it("a crash before commit records nothing of its transaction; the tick redoes the work in smaller groups", async () => {
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
    const result = await h.nudges({ outbox: crashing }).runDue(now);
    expect(result.failed).toEqual([]);
    expect(result.steps).toBeGreaterThan(0);
    expect(result.steps).toBe((await h.steps()).length);
    expect(result.messages).toBe(await h.db.manager.count(OutboxMessage));
    expect(await h.db.manager.count(HazardLedgerEntry)).toBe(result.steps);
    expect(await h.nudges().runDue(now)).toMatchObject({ steps: 0, failed: [] });
    await expectNoRepeats();
  });

  it("a hazard whose step keeps failing is reported and skipped; every other hazard's steps are taken", async () => {
    await seedLadder();
    const now = h.clock.now();
    await h.nudges().runDue(now);
    const fourth = await h.db.manager.findOneByOrFail(Hazard, { number: "YH-2026-000004" });
    const others = (await h.steps()).filter((s) => s.hazardId !== fourth.id).length;
    expect(others).toBeLessThan((await h.steps()).length);
    // Start again on the same data, now with one hazard that poisons every message it is in.
    await h.close();
    h = await openNudgeHarness();
    await seedLadder();
    const bad = await h.db.manager.findOneByOrFail(Hazard, { number: "YH-2026-000004" });
    const poisoning: NudgeOutbox = {
      enqueue(tx: EntityManager, request: EnqueueRequest) {
        if (request.message.kind === "markdown" && request.message.markdown.includes(bad.number)) throw new Error("poisoned hazard");
        return h.outbox.enqueue(tx, request);
      },
    };
    const result = await h.nudges({ outbox: poisoning }).runDue(now);
    expect(result.failed).toEqual([{ id: bad.id, code: "Error" }]);
    const steps = await h.steps();
    expect(steps.filter((s) => s.hazardId === bad.id)).toHaveLength(0);
    expect(steps.length).toBe(others);
    expect(await h.db.manager.count(HazardLedgerEntry, { where: { hazardId: bad.id } })).toBe(0);
    await expectNoRepeats();
  });
});
