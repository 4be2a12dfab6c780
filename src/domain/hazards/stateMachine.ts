import { Conflict } from "../../errors";
import { type HazardLevel, type HazardState, hazardStateLabels } from "./vocabulary";

/** Everything that can be done to an existing hazard (reporting creates one). */
export const HAZARD_ACTIONS = ["assign", "start", "submit", "verify", "reject", "close", "signoff", "fix_on_spot", "reopen", "extend"] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

export const hazardActionLabels: Record<HazardAction, string> = {
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
};

/** What the machine needs to know of a hazard. */
export interface MachineHazard {
  state: HazardState;
  level: HazardLevel;
  /** A leader has signed off (重大隐患 need it to close). */
  signedOff: boolean;
  /** The hazard has been 交办 (has a deadline): a reopened one goes back to rectifying, not to reported. */
  assigned: boolean;
}

/** From which states each action is allowed; actions absent from `TARGET` leave the state alone. */
const FROM: Record<HazardAction, readonly HazardState[]> = {
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
};

const TARGET: Partial<Record<HazardAction, HazardState>> = {
  assign: "assigned",
  start: "rectifying",
  submit: "submitted",
  verify: "verified",
  reject: "rectifying",
  close: "closed",
  fix_on_spot: "closed",
};

const illegal = (message: string) => Conflict(message, "hazard_illegal_transition");

/**
 * The state `action` leads to from `hazard`, or a refusal (409 `hazard_illegal_transition`) that
 * says in Chinese why. Pure: the service adds the person-specific guards.
 */
export function nextState(hazard: MachineHazard, action: HazardAction): HazardState {
  const label = hazardActionLabels[action];
  if (!FROM[action].includes(hazard.state)) {
    const allowed = FROM[action].map((s) => `“${hazardStateLabels[s]}”`).join("或");
    throw illegal(`隐患当前为“${hazardStateLabels[hazard.state]}”，不能${label}：只有${allowed}的隐患可以${label}`);
  }
  if (action === "fix_on_spot" && hazard.level === "major") throw illegal("重大隐患不能即知即改，须交办整改并挂牌督办");
  if (action === "signoff" && hazard.level !== "major") throw illegal("一般隐患销号不需要领导签字");
  if (action === "signoff" && hazard.signedOff) throw illegal("该重大隐患已有领导签字");
  if (action === "close" && hazard.level === "major" && !hazard.signedOff) throw illegal("重大隐患销号前须经分管负责人或主要负责人签字");
  if (action === "reopen") return hazard.assigned ? "rectifying" : "reported";
  return TARGET[action] ?? hazard.state;
}
