/** The closed vocabularies of tips (举报), stored as codes and shown in Chinese. */

/**
 * received → verifying (受理, a handler named) → closed (属实 / 不属实); or rejected (不予受理)
 * from either open state.
 */
export const TIP_STATES = ["received", "verifying", "closed", "rejected"] as const;
export type TipState = (typeof TIP_STATES)[number];
export const tipStateLabels: Record<TipState, string> = { received: "待受理", verifying: "核查中", closed: "已办结", rejected: "不予受理" };

/** Open states: a passed 办理时限 makes these overdue. */
export const OPEN_TIP_STATES: readonly TipState[] = ["received", "verifying"];

/** Who tipped: supervising staff, an enterprise's own people (吹哨人), or the public (the form, later). */
export const TIP_SOURCES = ["staff", "employee", "public"] as const;
export type TipSource = (typeof TIP_SOURCES)[number];
export const tipSourceLabels: Record<TipSource, string> = { staff: "工作人员", employee: "企业内部人员（吹哨人）", public: "群众" };

/** How the tip came in. */
export const TIP_CHANNELS = ["chat", "form", "hotline"] as const;
export type TipChannel = (typeof TIP_CHANNELS)[number];
export const tipChannelLabels: Record<TipChannel, string> = { chat: "对话举报", form: "举报表单", hotline: "12350热线" };

/** The finding of a closed tip. */
export const TIP_RESULTS = ["substantiated", "unsubstantiated"] as const;
export type TipResult = (typeof TIP_RESULTS)[number];
export const tipResultLabels: Record<TipResult, string> = { substantiated: "属实", unsubstantiated: "不属实" };

/** 举报奖励 of a substantiated tip: decided (pending) → paid (兑现). */
export const REWARD_STATES = ["pending", "paid"] as const;
export type RewardState = (typeof REWARD_STATES)[number];
export const rewardStateLabels: Record<RewardState, string> = { pending: "待兑现", paid: "已兑现" };

/** Everything that can be done to a tip once it exists. */
export const TIP_ACTIONS = ["accept", "assign", "close", "reject", "reward", "reward_paid"] as const;
export type TipAction = (typeof TIP_ACTIONS)[number];
export const tipActionLabels: Record<TipAction | "report" | "reveal", string> = {
  report: "提交举报",
  accept: "受理",
  assign: "改派核查人",
  close: "办结",
  reject: "不予受理",
  reward: "决定奖励",
  reward_paid: "奖励兑现",
  reveal: "查看举报人身份",
};
