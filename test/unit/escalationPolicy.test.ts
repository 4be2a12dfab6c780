import { dueSteps, type EscalationPolicy, nextDueAt, parsePolicy, serializePolicy, unroll } from "../../src/domain/kernel/escalation";

const MINUTE = 60_000;
const anchor = new Date("2026-07-01T08:00:00Z");
const at = (minutes: number) => new Date(anchor.getTime() + minutes * MINUTE);
const keys = (policy: EscalationPolicy, minutes: number, done: string[] = []) => dueSteps(policy, anchor, at(minutes), new Set(done)).map((s) => (s.send ? s.key : `(${s.key})`));

/** A 叫应 as a policy: remind every 5 minutes twice, escalate after that, end at 15 minutes. */
const callout: EscalationPolicy = {
  anchor: "sent",
  endMinutes: 15,
  steps: [
    { key: "send", offsetMinutes: 0, audience: ["self"] },
    { key: "remind", offsetMinutes: 5, audience: ["self"], repeat: { everyMinutes: 5, times: 2 } },
    { key: "escalate", offsetMinutes: 15, audience: ["superior"] },
    { key: "report", offsetMinutes: 30, audience: ["initiator", "leaders"] },
  ],
};

/** A duty reminder: half an hour before the shift, and the duty leader if the shift starts unconfirmed. */
const duty: EscalationPolicy = {
  anchor: "shift_start",
  steps: [
    { key: "before_shift", offsetMinutes: -30, audience: ["on_duty"] },
    { key: "unconfirmed", offsetMinutes: 0, audience: [["duty_leader", "county_leader"]] },
  ],
};

describe("escalation policies", () => {
  it("unrolls repeats and leaves out what falls after the end", () => {
    expect(unroll(callout).map((s) => [s.key, s.offsetMs / MINUTE])).toEqual([
      ["send", 0],
      ["remind:1", 5],
      ["remind:2", 10],
      ["escalate", 15],
    ]);
  });

  it("gives the steps due and not taken, oldest first, however many a missed tick left", () => {
    expect(keys(callout, 4)).toEqual(["send"]);
    expect(keys(callout, 12, ["send"])).toEqual(["remind:1", "remind:2"]);
    expect(keys(callout, 60, ["send", "remind:1", "remind:2", "escalate"])).toEqual([]);
    expect(nextDueAt(callout, anchor, new Set(["send", "remind:1"]))).toEqual(at(10));
    expect(nextDueAt(callout, anchor, new Set(["send", "remind:1", "remind:2", "escalate"]))).toBeNull();
  });

  it("fits a reminder before a shift: steps before the anchor", () => {
    expect(keys(duty, -31)).toEqual([]);
    expect(keys(duty, -30)).toEqual(["before_shift"]);
    expect(keys(duty, 0, ["before_shift"])).toEqual(["unconfirmed"]);
    expect(nextDueAt(duty, anchor, new Set())).toEqual(at(-30));
  });

  it("records a superseded step silently once the later one is due", () => {
    const ladder: EscalationPolicy = {
      anchor: "deadline",
      steps: [
        { key: "reminder", offsetMinutes: -1440, audience: ["owner"], supersededBy: "notice" },
        { key: "notice", offsetMinutes: 0, audience: ["owner", "supervisor"] },
      ],
    };
    expect(keys(ladder, -1)).toEqual(["reminder"]);
    expect(keys(ladder, 0)).toEqual(["(reminder)", "notice"]);
  });

  it("stores the snapshot as text and reads it back unchanged, refusing what is not one", () => {
    expect(parsePolicy(serializePolicy(duty))).toEqual(duty);
    expect(() => parsePolicy('{"steps":1}')).toThrow("malformed");
  });
});
