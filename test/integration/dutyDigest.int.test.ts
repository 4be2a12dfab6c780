import { backend } from "../support/backend";
import { type DutyHarness, openDutyHarness } from "../support/dutyHarness";

// What the leaders' daily digest reads from the roster: today's 带班领导 and the shifts nobody checked in to.
jest.setTimeout(120_000);

describe(`duty in the daily digest (${backend()})`, () => {
  let h: DutyHarness;
  beforeEach(async () => {
    h = await openDutyHarness("2026-03-31 08:00");
  });
  afterEach(() => h.close());

  it("names today's duty leaders and the shifts whose 到岗签到 never came, within the leader's units", async () => {
    await h.shift("QH", "王芳", "leader", "2026-03-31 08:00", "2026-04-01 08:00");
    await h.shift("QH-BGS", "赵磊", "officer", "2026-03-30 20:00", "2026-03-31 08:00");
    // Starts tonight: not missed yet.
    await h.shift("QH-BGS", "孙丽", "officer", "2026-03-31 20:00", "2026-04-01 08:00");
    const county = await h.unit("QH");
    const office = await h.unit("QH-BGS");

    const countyView = await h.duty.digestSource.today({ unitId: county.id, unitPath: county.path }, "2026-03-31", h.clock.now());
    expect(countyView).toEqual({
      leaders: [{ name: "王芳", unit: county.name, hours: "08:00–次日 08:00" }],
      missedCheckIns: [{ name: "赵磊", unit: office.name, hours: "03-30 20:00–次日 08:00" }],
    });

    // The office's own view has no county leader in it.
    const officeView = await h.duty.digestSource.today({ unitId: office.id, unitPath: office.path }, "2026-03-31", h.clock.now());
    expect(officeView.leaders).toEqual([]);
    expect(officeView.missedCheckIns.map((l) => l.name)).toEqual(["赵磊"]);
  });
});
