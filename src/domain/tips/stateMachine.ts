import { Conflict } from "../../errors";
import { type RewardState, type TipAction, type TipResult, type TipState, tipActionLabels, tipStateLabels } from "./vocabulary";

/** What the machine needs to know of a tip. */
export interface MachineTip {
  state: TipState;
  result: TipResult | null;
  rewardState: RewardState | null;
}

const FROM: Record<TipAction, readonly TipState[]> = {
  accept: ["received"],
  assign: ["verifying"],
  close: ["verifying"],
  reject: ["received", "verifying"],
  reward: ["closed"],
  reward_paid: ["closed"],
};

const TARGET: Partial<Record<TipAction, TipState>> = { accept: "verifying", close: "closed", reject: "rejected" };

const illegal = (message: string) => Conflict(message, "tip_illegal_transition");

/** The state `action` leads to, or a refusal (409 `tip_illegal_transition`) saying in Chinese why. */
export function nextTipState(tip: MachineTip, action: TipAction): TipState {
  const label = tipActionLabels[action];
  if (!FROM[action].includes(tip.state)) {
    const allowed = FROM[action].map((s) => `「${tipStateLabels[s]}」`).join("或");
    throw illegal(`该举报当前为「${tipStateLabels[tip.state]}」，不能${label}：只有${allowed}的举报可以${label}`);
  }
  if (action === "reward" && tip.result !== "substantiated") throw illegal("只有核查属实的举报才能给予奖励");
  if (action === "reward" && tip.rewardState !== null) throw illegal("该举报已决定奖励，不能重复决定");
  if (action === "reward_paid" && tip.rewardState !== "pending") throw illegal(tip.rewardState === "paid" ? "该举报的奖励已兑现" : "该举报尚未决定奖励");
  return TARGET[action] ?? tip.state;
}
