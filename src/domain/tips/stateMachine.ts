import { defineStateMachine } from "../kernel/stateMachine";
import { type RewardState, type TipAction, type TipResult, type TipState, tipActionLabels, tipStateLabels } from "./vocabulary";

/** What the machine needs to know of a tip. */
export interface MachineTip {
  state: TipState;
  result: TipResult | null;
  rewardState: RewardState | null;
}

/** The tip lifecycle; a refusal is 409 `tip_illegal_transition` saying in Chinese why. */
export const tipMachine = defineStateMachine<TipState, TipAction, MachineTip>({
  illegalCode: "tip_illegal_transition",
  from: {
    accept: ["received"],
    assign: ["verifying"],
    close: ["verifying"],
    reject: ["received", "verifying"],
    reward: ["closed"],
    reward_approve: ["closed"],
    reward_paid: ["closed"],
  },
  to: { accept: "verifying", close: "closed", reject: "rejected" },
  wrongState: (state, action, allowed) => {
    const label = tipActionLabels[action];
    const states = allowed.map((s) => `「${tipStateLabels[s]}」`).join("或");
    return `该举报当前为「${tipStateLabels[state]}」，不能${label}：只有${states}的举报可以${label}`;
  },
  refuse: (tip, action) => {
    if (action === "reward" && tip.result !== "substantiated") return "只有核查属实的举报才能给予奖励";
    if (action === "reward" && tip.rewardState !== null) return "该举报已决定奖励，不能重复决定";
    if (action === "reward_approve" && tip.rewardState !== "pending") return tip.rewardState === null ? "该举报尚未决定奖励" : "该举报的奖励已审批";
    if (action === "reward_paid" && tip.rewardState !== "approved") return tip.rewardState === "paid" ? "该举报的奖励已兑现" : tip.rewardState === "pending" ? "该举报的奖励尚未审批" : "该举报尚未决定奖励";
    return null;
  },
});

/** The state `action` leads to, or a refusal (409 `tip_illegal_transition`) saying in Chinese why. */
export function nextTipState(tip: MachineTip, action: TipAction): TipState {
  return tipMachine.next(tip, action);
}
