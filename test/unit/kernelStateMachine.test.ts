import { defineStateMachine } from "../../src/domain/kernel/stateMachine";
import { hazardMachine } from "../../src/domain/hazards/stateMachine";
import { tipMachine } from "../../src/domain/tips/stateMachine";

type State = "open" | "held" | "done";
type Action = "hold" | "release" | "finish";
interface Case {
  state: State;
  urgent: boolean;
}

const machine = defineStateMachine<State, Action, Case>({
  illegalCode: "case_illegal_transition",
  from: { hold: ["open"], release: ["held"], finish: ["open", "held"] },
  to: { hold: "held", release: (c) => (c.urgent ? "done" : "open"), finish: "done" },
  wrongState: (state, action, allowed) => `${state} 不能 ${action}，只有 ${allowed.join("/")} 可以`,
  refuse: (c, action) => (action === "finish" && c.urgent ? "紧急事项须先处理" : null),
});

describe("defineStateMachine", () => {
  it("moves a case along its allowed transitions", () => {
    expect(machine.next({ state: "open", urgent: false }, "hold")).toBe("held");
    expect(machine.next({ state: "held", urgent: false }, "release")).toBe("open");
    expect(machine.next({ state: "held", urgent: true }, "release")).toBe("done");
    expect(machine.allowedFrom("finish")).toEqual(["open", "held"]);
  });

  it("refuses a transition from the wrong state with a 409 and the spec's own code and words", () => {
    expect(() => machine.next({ state: "done", urgent: false }, "hold")).toThrow(expect.objectContaining({ code: "case_illegal_transition", status: 409, message: "done 不能 hold，只有 open 可以" }));
    expect(machine.allows({ state: "done", urgent: false }, "hold")).toBe(false);
  });

  it("refuses by the spec's further rules once the state is right", () => {
    expect(() => machine.next({ state: "open", urgent: true }, "finish")).toThrow("紧急事项须先处理");
    expect(machine.allows({ state: "open", urgent: false }, "finish")).toBe(true);
  });

  it("is the shape of both the hazard and the tip lifecycle", () => {
    const hazard = { state: "reported" as const, level: "general" as const, signedOff: false, assigned: false };
    expect(() => hazardMachine.next(hazard, "verify")).toThrow(expect.objectContaining({ code: "hazard_illegal_transition", message: "隐患当前为“已上报”，不能复查通过：只有“待复查”的隐患可以复查通过" }));
    expect(hazardMachine.next({ ...hazard, state: "closed", assigned: true }, "reopen")).toBe("rectifying");
    expect(() => tipMachine.next({ state: "rejected", result: null, rewardState: null }, "accept")).toThrow(expect.objectContaining({ code: "tip_illegal_transition" }));
  });
});
