import { defineStateMachine } from "../kernel/stateMachine";
import { defineVocabulary } from "../kernel/vocabulary";
import { type HazardLevel, type HazardState, hazardStateLabels } from "./vocabulary";

/** Everything that can be done to an existing hazard (reporting creates one). */
export const hazardActions = defineVocabulary({
  assign: "交办",
  start: "开始整改",
  submit: "提交整改反馈",
  verify: "复查通过",
  reject: "复查不通过",
  close: "销号",
  signoff: "领导签字",
  fix_on_spot: "即知即改",
  reopen: "重新打开",
  extend: "延期",
  transfer: "转交",
});
export const HAZARD_ACTIONS = hazardActions.codes;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];
export const hazardActionLabels = hazardActions.labels;

/** What the machine needs to know of a hazard. */
export interface MachineHazard {
  state: HazardState;
  level: HazardLevel;
  /** A leader has signed off (重大隐患 need it to close). */
  signedOff: boolean;
  /** The hazard has been 交办 (has a deadline): a reopened one goes back to rectifying, not to reported. */
  assigned: boolean;
}

/** The hazard lifecycle; a refusal is 409 `hazard_illegal_transition` saying in Chinese why. */
export const hazardMachine = defineStateMachine<HazardState, HazardAction, MachineHazard>({
  illegalCode: "hazard_illegal_transition",
  from: {
    assign: ["reported"],
    start: ["assigned"],
    submit: ["rectifying"],
    verify: ["submitted"],
    reject: ["submitted"],
    close: ["verified"],
    signoff: ["verified"],
    fix_on_spot: ["reported"],
    reopen: ["verified", "closed"],
    extend: ["assigned", "rectifying"],
    transfer: ["reported"],
  },
  to: {
    assign: "assigned",
    start: "rectifying",
    submit: "submitted",
    verify: "verified",
    reject: "rectifying",
    close: "closed",
    fix_on_spot: "closed",
    reopen: (h) => (h.assigned ? "rectifying" : "reported"),
  },
  wrongState: (state, action, allowed) => {
    const label = hazardActionLabels[action];
    const states = allowed.map((s) => `“${hazardStateLabels[s]}”`).join("或");
    return `隐患当前为“${hazardStateLabels[state]}”，不能${label}：只有${states}的隐患可以${label}`;
  },
  refuse: (h, action) => {
    if (action === "fix_on_spot" && h.level === "major") return "重大隐患不能即知即改，须交办整改并挂牌督办";
    if (action === "signoff" && h.level !== "major") return "一般隐患销号不需要领导签字";
    if (action === "signoff" && h.signedOff) return "该重大隐患已有领导签字";
    if (action === "close" && h.level === "major" && !h.signedOff) return "重大隐患销号前须经分管负责人或主要负责人签字";
    return null;
  },
});

/**
 * The state `action` leads to from `hazard`, or a refusal (409 `hazard_illegal_transition`) that
 * says in Chinese why. Pure: the service adds the person-specific guards.
 */
export function nextState(hazard: MachineHazard, action: HazardAction): HazardState {
  return hazardMachine.next(hazard, action);
}
