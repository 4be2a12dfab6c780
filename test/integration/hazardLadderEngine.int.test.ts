import { Escalation, Hazard } from "../../src/db/entities";
import { backend } from "../support/backend";
import { DAY, HOUR, type NudgeHarness, openNudgeHarness } from "../support/nudgeHarness";

// The overdue ladder as a run of the escalation engine: the policy copied onto the run, stale
// runs dropped, and ladders of a database upgraded from the old nudge table carried on.
describe(`the overdue ladder on the escalation engine (${backend()})`, () => {
  let h: NudgeHarness;
  beforeEach(async () => {
    h = await openNudgeHarness();
  });
  afterEach(() => h.close());

  /** Each step taken and the whole days from its deadline when it was. */
  const taken = async () => (await h.steps()).map((s) => [s.step, Math.round((s.sentAt.getTime() - s.deadline.getTime()) / DAY) || 0]);

  it("keeps a running ladder on the days it started with when the configuration changes", async () => {
    const owner = await h.person(35);
    const deadline = new Date(h.clock.now().getTime() + 2 * HOUR);
    await h.hazard({ deadline, ownerId: owner.id, unitId: owner.unitId });
    await h.nudges().runDue(h.clock.now()); // starts the run with [-1, 0, 3, 7]: the reminder is due
    const hurried = h.nudges({ ladderDays: [-1, 0, 1, 2] });
    for (let day = 0; day <= 8; day++) await hurried.runDue(new Date(deadline.getTime() + day * DAY));
    expect(await taken()).toEqual([
      ["reminder", 0],
      ["notice", 0],
      ["order", 3],
      ["listed", 7],
    ]);
    // A hazard whose ladder starts after the change follows the new days.
    const later = await h.hazard({ deadline: new Date(deadline.getTime() + 20 * DAY), ownerId: owner.id, unitId: owner.unitId });
    for (let day = 19; day <= 23; day++) await hurried.runDue(new Date(deadline.getTime() + day * DAY));
    const ofLater = (await taken()).slice(4);
    expect(ofLater).toEqual([
      ["reminder", -1],
      ["notice", 0],
      ["order", 1],
      ["listed", 2],
    ]);
  });

  it("drops the run while the hazard is handed in and resumes it, nothing twice, when it is sent back", async () => {
    const owner = await h.person(35);
    const deadline = new Date(h.clock.now().getTime() + 2 * HOUR);
    const hazard = await h.hazard({ deadline, ownerId: owner.id, unitId: owner.unitId });
    const nudges = h.nudges();
    await nudges.runDue(deadline); // reminder (silent) and 提醒单
    await h.db.manager.update(Hazard, { id: hazard.id }, { state: "submitted" });
    const handedIn = await nudges.runDue(new Date(deadline.getTime() + 3 * DAY));
    expect(handedIn).toMatchObject({ steps: 0, messages: 0 });
    expect((await h.db.manager.findOneByOrFail(Escalation, { caseKind: "hazard", caseId: hazard.id })).state).toBe("dropped");
    // 复查 finds it not done: back to the owner, same deadline — the ladder goes on where it was.
    await h.db.manager.update(Hazard, { id: hazard.id }, { state: "rectifying" });
    await nudges.runDue(new Date(deadline.getTime() + 4 * DAY));
    await nudges.runDue(new Date(deadline.getTime() + 8 * DAY));
    expect(await taken()).toEqual([
      ["reminder", 0],
      ["notice", 0],
      ["order", 4],
      ["listed", 8],
    ]);
    expect((await h.sent()).map((s) => s.step)).toEqual(["notice", "order", "listed"]);
  });

  it("carries on a ladder recorded in the old nudge table by a database upgraded to the engine", async () => {
    const owner = await h.person(35);
    const deadline = new Date(h.clock.now().getTime() - 2 * DAY);
    const hazard = await h.hazard({ deadline, ownerId: owner.id, unitId: owner.unitId });
    const ds = h.db.dataSource;
    // Back to the schema before the engine, with the reminder and the 提醒单 taken there.
    const runner = ds.createQueryRunner();
    try {
      while (await runner.hasTable("escalations")) await ds.undoLastMigration();
    } finally {
      await runner.release();
    }
    const old = ds.createQueryBuilder().insert().into("hazard_nudges", ["hazard_id", "step", "deadline", "sent_at", "skipped"]);
    await old.values([
      { hazard_id: hazard.id, step: "reminder", deadline, sent_at: new Date(deadline.getTime() - DAY), skipped: false },
      { hazard_id: hazard.id, step: "notice", deadline, sent_at: deadline, skipped: false },
    ]).execute();
    await ds.runMigrations();
    expect(await taken()).toEqual([
      ["reminder", -1],
      ["notice", 0],
    ]);
    await h.nudges().runDue(h.clock.now());
    expect(await h.sent()).toEqual([]); // nothing taken again
    await h.nudges().runDue(new Date(deadline.getTime() + 3 * DAY));
    expect((await h.sent()).map((s) => [s.step, s.personId])).toEqual([["order", (await h.person(22)).id]]);
    expect((await taken()).map((t) => t[0])).toEqual(["reminder", "notice", "order"]);
  });
});
