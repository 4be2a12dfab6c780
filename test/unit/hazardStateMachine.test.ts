import { HAZARD_ACTIONS, type HazardAction, type MachineHazard, nextState } from "../../src/domain/hazards/stateMachine";
import { HAZARD_STATES, type HazardState } from "../../src/domain/hazards/vocabulary";

const general = (state: HazardState, extra: Partial<MachineHazard> = {}): MachineHazard => ({ state, level: "general", signedOff: false, assigned: true, ...extra });
const major = (state: HazardState, extra: Partial<MachineHazard> = {}): MachineHazard => ({ ...general(state, extra), level: "major" });

/** Every allowed move: [from, action, to, hazard]. */
const ALLOWED: [HazardState, HazardAction, HazardState, MachineHazard][] = [
  ["reported", "assign", "assigned", general("reported", { assigned: false })],
  ["assigned", "start", "rectifying", general("assigned")],
  ["rectifying", "submit", "submitted", general("rectifying")],
  ["submitted", "verify", "verified", general("submitted")],
  ["submitted", "reject", "rectifying", general("submitted")],
  ["verified", "close", "closed", general("verified")],
  ["verified", "close", "closed", major("verified", { signedOff: true })],
  ["verified", "signoff", "verified", major("verified")],
  ["reported", "fix_on_spot", "closed", general("reported", { assigned: false })],
  ["closed", "reopen", "rectifying", general("closed")],
  ["verified", "reopen", "rectifying", general("verified")],
  ["closed", "reopen", "reported", general("closed", { assigned: false })],
  ["assigned", "extend", "assigned", general("assigned")],
  ["rectifying", "extend", "rectifying", general("rectifying")],
  ["reported", "assign", "assigned", major("reported", { assigned: false })],
  ["submitted", "verify", "verified", major("submitted")],
  // 转交: a reported hazard goes to the right department, still reported.
  ["reported", "transfer", "reported", general("reported", { assigned: false })],
];

describe("hazard state machine: allowed transitions", () => {
  it.each(ALLOWED.map(([from, action, to, h]) => [`${h.level} ${from} —${action}→ ${to}`, action, to, h] as const))("%s", (_name, action, to, h) => {
    expect(nextState(h, action)).toBe(to);
  });
});

/** Every (state, action) pair not in ALLOWED is refused, for both levels. */
const allowedPairs = new Set(ALLOWED.map(([from, action]) => `${from}:${action}`));
const REFUSED = HAZARD_STATES.flatMap((state) => HAZARD_ACTIONS.filter((a) => !allowedPairs.has(`${state}:${a}`)).map((action) => [state, action] as const));

describe("hazard state machine: refused transitions", () => {
  it.each(REFUSED)("refuses %s —%s→ with a Chinese reason and a stable code", (state, action) => {
    for (const h of [general(state), major(state)]) {
      expect(() => nextState(h, action)).toThrow(expect.objectContaining({ code: "hazard_illegal_transition", status: 409 }));
    }
  });

  it("names the current state and the allowed ones in the message", () => {
    expect(() => nextState(general("reported"), "close")).toThrow("隐患当前为“已上报”，不能销号：只有“复查通过”的隐患可以销号");
  });

  /** The rules that depend on the level and the leader's signature. */
  const GUARDED: [string, MachineHazard, HazardAction, string][] = [
    ["a major hazard cannot be fixed on the spot", major("reported"), "fix_on_spot", "重大隐患不能即知即改"],
    ["a major hazard cannot close unsigned", major("verified"), "close", "重大隐患销号前须经分管负责人或主要负责人签字"],
    ["a general hazard needs no signature", general("verified"), "signoff", "一般隐患销号不需要领导签字"],
    ["a signature is given once", major("verified", { signedOff: true }), "signoff", "该重大隐患已有领导签字"],
  ];
  it.each(GUARDED)("%s", (_name, h, action, message) => {
    expect(() => nextState(h, action)).toThrow(expect.objectContaining({ code: "hazard_illegal_transition", message: expect.stringContaining(message) }));
  });

  it("has no state for 'closed but not fixed': closing is only reachable from verified or with on-the-spot proof", () => {
    const into = ALLOWED.filter(([, , to, h]) => to === "closed" && h.state !== "closed").map(([from, action]) => `${from}:${action}`);
    expect(into.sort()).toEqual(["reported:fix_on_spot", "verified:close", "verified:close"].sort());
  });
});
