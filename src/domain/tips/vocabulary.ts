import { type CodeOf, defineVocabulary } from "../kernel/vocabulary";

/** The closed vocabularies of tips (举报), stored as codes and shown in Chinese. */

/**
 * received → verifying (受理, a handler named) → closed (属实 / 不属实); or rejected (不予受理)
 * from either open state.
 */
export const tipStates = defineVocabulary({ received: "待受理", verifying: "核查中", closed: "已办结", rejected: "不予受理" });
export type TipState = CodeOf<typeof tipStates>;
export const TIP_STATES = tipStates.codes;
export const tipStateLabels = tipStates.labels;

/** Open states: a passed 办理时限 makes these overdue. */
export const OPEN_TIP_STATES: readonly TipState[] = ["received", "verifying"];

/** Who tipped: supervising staff, an enterprise's own people (吹哨人), or the public (the form, later). */
export const tipSources = defineVocabulary({ staff: "工作人员", employee: "企业内部人员（吹哨人）", public: "群众" });
export type TipSource = CodeOf<typeof tipSources>;
export const TIP_SOURCES = tipSources.codes;
export const tipSourceLabels = tipSources.labels;

/** How the tip came in. */
export const tipChannels = defineVocabulary({ chat: "对话举报", form: "举报表单", hotline: "12350热线" });
export type TipChannel = CodeOf<typeof tipChannels>;
export const TIP_CHANNELS = tipChannels.codes;
export const tipChannelLabels = tipChannels.labels;

/** The finding of a closed tip. */
export const tipResults = defineVocabulary({ substantiated: "属实", unsubstantiated: "不属实" });
export type TipResult = CodeOf<typeof tipResults>;
export const TIP_RESULTS = tipResults.codes;
export const tipResultLabels = tipResults.labels;

/** 举报奖励 of a substantiated tip: proposed by a tip officer (pending) → approved by a leader → paid (兑现). */
export const rewardStates = defineVocabulary({ pending: "待审批", approved: "待兑现", paid: "已兑现" });
export type RewardState = CodeOf<typeof rewardStates>;
export const REWARD_STATES = rewardStates.codes;
export const rewardStateLabels = rewardStates.labels;

/** Everything that can be done to a tip once it exists. */
export const tipActions = defineVocabulary({
  accept: "受理",
  assign: "改派核查人",
  close: "办结",
  reject: "不予受理",
  reward: "决定奖励",
  reward_approve: "审批奖励",
  reward_paid: "奖励兑现",
});
export type TipAction = CodeOf<typeof tipActions>;
export const TIP_ACTIONS = tipActions.codes;

/** What a tip's timeline may say was done: its actions, its report and a reveal of the tipster. */
export const tipTimelineActions = defineVocabulary({ report: "提交举报", ...tipActions.labels, feedback: "反馈举报人", route: "转交单位", to_hazard: "转为隐患", reveal: "查看举报人身份" });
export const tipActionLabels = tipTimelineActions.labels;
