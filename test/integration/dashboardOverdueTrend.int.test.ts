import { ManualClock } from "../../src/clock";
import { Hazard, OrgUnit, Person } from "../../src/db/entities";
import { overdueTrend } from "../../src/domain/dashboard/overdueTrend";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { backend, openTestStores, type TestStores } from "../support/backend";

jest.setTimeout(60_000);

/**
 * The dashboard's overdue trend on prepared hazards: for each day of the period, the hazards overdue
 * at the day's end (China time), from their report, deadline and closed dates — exact counts.
 */
describe(`dashboard overdue trend (${backend()})`, () => {
  // Thursday 2026-11-26, 10:00 in Shanghai; a day ends at 16:00 UTC.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  const at = (iso: string) => new Date(iso);
  let stores: TestStores;
  let town: number;
  let otherTown: number;
  let seq = 0;

  async function hazard(unitId: number, reportedAt: string, deadline: string | null, closedAt: string | null = null): Promise<void> {
    const reporter = await stores.db.manager.findOneByOrFail(Person, { name: "张伟" });
    seq += 1;
    await stores.db.manager.insert(Hazard, {
      number: `YH-2026-9${String(seq).padStart(5, "0")}`,
      year: 2026,
      seq: 90_000 + seq,
      source: "inspection",
      state: closedAt ? "closed" : deadline ? "rectifying" : "reported",
      level: "general",
      category: "消防",
      description: "测试隐患",
      unitId,
      reporterId: reporter.id,
      deadline: deadline ? at(deadline) : null,
      listedForSupervision: false,
      enforcementStage: "advice",
      reportedAt: at(reportedAt),
      closedAt: closedAt ? at(closedAt) : null,
      updatedAt: at(reportedAt),
    });
  }

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    town = (await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL-01" })).id;
    otherTown = (await stores.db.manager.findOneByOrFail(OrgUnit, { code: "QH-NC" })).id;
    // Open since before the period, deadline 11-18: overdue every day.
    await hazard(town, "2026-11-10T02:00:00Z", "2026-11-18T10:00:00Z");
    // Deadline 11-21 18:00, closed 11-23 11:00 (China time): overdue at the ends of 11-21 and 11-22.
    await hazard(town, "2026-11-15T02:00:00Z", "2026-11-21T10:00:00Z", "2026-11-23T03:00:00Z");
    // Deadline today 09:00: overdue only at today's "end", which is now (10:00).
    await hazard(town, "2026-11-20T02:00:00Z", "2026-11-26T01:00:00Z");
    // Deadline today 13:00: not yet overdue.
    await hazard(town, "2026-11-20T02:00:00Z", "2026-11-26T05:00:00Z");
    // Deadline exactly at the end of 11-22 (not past it then), closed exactly at the end of 11-24 (closed by then): 11-23 only.
    await hazard(town, "2026-11-19T02:00:00Z", "2026-11-22T16:00:00Z", "2026-11-24T16:00:00Z");
    // No deadline (never assigned): never overdue.
    await hazard(town, "2026-11-01T02:00:00Z", null);
    // Entered on 11-24 with a deadline already past: overdue from the end of 11-24, not before it existed.
    await hazard(town, "2026-11-24T03:00:00Z", "2026-11-23T03:00:00Z");
    // Closed before the period began.
    await hazard(town, "2026-11-01T02:00:00Z", "2026-11-10T02:00:00Z", "2026-11-15T02:00:00Z");
    // Another town, open, deadline 11-19: every day for the county, never for the first town.
    await hazard(otherTown, "2026-11-10T02:00:00Z", "2026-11-19T02:00:00Z");
  });
  afterAll(async () => stores?.close());

  // The period 2026-11-20 … 2026-11-26 as the dashboard route sends it: [00:00 of the first day, 00:00 after the last).
  const from = at("2026-11-19T16:00:00Z");
  const to = at("2026-11-26T16:00:00Z");

  it("counts, for each day, the hazards overdue at its end, county-wide", async () => {
    expect(await overdueTrend(stores.db.manager, null, from, to, clock.now())).toEqual([
      { date: "2026-11-20", overdue: 2 },
      { date: "2026-11-21", overdue: 3 },
      { date: "2026-11-22", overdue: 3 },
      { date: "2026-11-23", overdue: 3 },
      { date: "2026-11-24", overdue: 3 },
      { date: "2026-11-25", overdue: 3 },
      { date: "2026-11-26", overdue: 4 },
    ]);
  });

  it("counts only the units asked for, and nothing for an empty scope", async () => {
    const trend = await overdueTrend(stores.db.manager, [town], from, to, clock.now());
    expect(trend.map((p) => p.overdue)).toEqual([1, 2, 2, 2, 2, 2, 3]);
    const none = await overdueTrend(stores.db.manager, [], from, to, clock.now());
    expect(none.map((p) => p.overdue)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it("leaves out the days still to come and follows the clock", async () => {
    // Asked on 11-23 at 12:00: the period stops at that day, whose end is then.
    const earlier = new Date("2026-11-23T04:00:00Z");
    expect(await overdueTrend(stores.db.manager, null, from, to, earlier)).toEqual([
      { date: "2026-11-20", overdue: 2 },
      { date: "2026-11-21", overdue: 3 },
      { date: "2026-11-22", overdue: 3 },
      // 11:00 closed the second hazard; the fifth's deadline (end of 11-22) has passed.
      { date: "2026-11-23", overdue: 3 },
    ]);
    // A year-long period is one query and every day is there.
    const year = await overdueTrend(stores.db.manager, null, at("2025-11-26T16:00:00Z"), to, clock.now());
    expect(year).toHaveLength(365);
    expect(year[0]).toEqual({ date: "2025-11-27", overdue: 0 });
    expect(year.find((p) => p.date === "2026-11-18")).toEqual({ date: "2026-11-18", overdue: 1 });
  });
});
