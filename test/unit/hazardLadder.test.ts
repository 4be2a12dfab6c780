import { daysOverdue, dueSteps, type LadderDays, type NudgeStep, stepDueAt } from "../../src/domain/hazards/nudges";

const LADDER: LadderDays = [-1, 0, 3, 7];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const deadline = new Date("2026-03-10T10:00:00Z");
const at = (offsetMs: number) => new Date(deadline.getTime() + offsetMs);
const none = new Set<NudgeStep>();

function due(offsetMs: number, level: "general" | "major" = "general", done: ReadonlySet<NudgeStep> = none) {
  return dueSteps({ deadline, level, done }, at(offsetMs), LADDER).map((s) => (s.send ? s.step : `(${s.step})`));
}

describe("the overdue ladder", () => {
  it("places each step at its offset from the deadline", () => {
    expect(stepDueAt("reminder", deadline, "general", LADDER)).toEqual(at(-DAY));
    expect(stepDueAt("notice", deadline, "general", LADDER)).toEqual(deadline);
    expect(stepDueAt("order", deadline, "general", LADDER)).toEqual(at(3 * DAY));
    expect(stepDueAt("listed", deadline, "general", LADDER)).toEqual(at(7 * DAY));
  });

  it("lists a 重大隐患 as soon as it is overdue", () => {
    expect(stepDueAt("listed", deadline, "major", LADDER)).toEqual(deadline);
    // A ladder that lists before the deadline stays earlier for majors too.
    expect(stepDueAt("listed", deadline, "major", [-3, 0, 1, -2])).toEqual(at(-2 * DAY));
  });

  it.each([
    [-DAY - 1, []],
    [-DAY, ["reminder"]],
    [-1, ["reminder"]],
    [0, ["(reminder)", "notice"]],
    [3 * DAY - 1, ["(reminder)", "notice"]],
    [3 * DAY, ["(reminder)", "notice", "order"]],
    [7 * DAY - 1, ["(reminder)", "notice", "order"]],
    [7 * DAY, ["(reminder)", "notice", "order", "listed"]],
    [40 * DAY, ["(reminder)", "notice", "order", "listed"]],
  ])("a general hazard %d ms from its deadline has due %j", (offset, expected) => {
    expect(due(offset)).toEqual(expected);
  });

  it.each([
    [-1, ["reminder"]],
    [0, ["(reminder)", "notice", "listed"]],
    [3 * DAY, ["(reminder)", "notice", "listed", "order"]],
  ])("a major hazard %d ms from its deadline has due %j", (offset, expected) => {
    expect(due(offset, "major")).toEqual(expected);
  });

  it("leaves out the steps already taken", () => {
    expect(due(0, "general", new Set(["reminder"]))).toEqual(["notice"]);
    expect(due(3 * DAY, "general", new Set(["reminder", "notice"]))).toEqual(["order"]);
    expect(due(8 * DAY, "major", new Set(["reminder", "notice", "listed"]))).toEqual(["order"]);
    expect(due(8 * DAY, "general", new Set(["reminder", "notice", "order", "listed"]))).toEqual([]);
  });

  it("follows a configured ladder", () => {
    const ladder: LadderDays = [-2, 1, 5, 10];
    const steps = (offset: number) => dueSteps({ deadline, level: "general", done: none }, at(offset), ladder).map((s) => s.step);
    expect(steps(-2 * DAY - 1)).toEqual([]);
    expect(steps(-2 * DAY)).toEqual(["reminder"]);
    expect(steps(DAY - 1)).toEqual(["reminder"]);
    expect(steps(DAY)).toEqual(["reminder", "notice"]);
    expect(steps(10 * DAY)).toEqual(["reminder", "notice", "order", "listed"]);
  });

  it("counts whole days overdue", () => {
    expect(daysOverdue(deadline, at(-1))).toBe(-1);
    expect(daysOverdue(deadline, deadline)).toBe(0);
    expect(daysOverdue(deadline, at(DAY - 1))).toBe(0);
    expect(daysOverdue(deadline, at(DAY))).toBe(1);
    expect(daysOverdue(deadline, at(7 * DAY + HOUR))).toBe(7);
  });
});
