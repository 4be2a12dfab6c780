import type { Labelled, Ref } from "./api";

/** A public tip's side as staff see it: the unit it was routed to, its deadlines and what the tipster reads. */
export interface TipPublic {
  unit: { id: number; name: string } | null;
  verificationDueAt: string;
  feedbackDueAt: string | null;
  feedbackOverdue: boolean;
  feedback: string | null;
  feedbackAt: string | null;
}

/** A tip as GET /api/tips and /api/tips/:id present it: the tipster only by pseudonym. */
export interface Tip {
  id: number;
  number: string;
  source: Labelled;
  channel: Labelled;
  state: Labelled;
  content: string;
  enterprise: Ref | null;
  location: { text: string | null };
  reporter: { pseudonym: string; anonymous: boolean };
  handler: Ref | null;
  dueAt: string | null;
  overdue: boolean;
  result: Labelled | null;
  resolution: string | null;
  reward: { state: Labelled; amount: number | null; paidAt: string | null } | null;
  reportedAt: string;
  version: number;
  public: TipPublic | null;
}

export interface TipDetail extends Tip {
  timeline?: { at: string; actor: Ref; actionLabel: string }[];
  reveals?: { at: string; by: Ref | null; refused: boolean; reason: string | null }[];
}

export interface Revealed {
  reporter: { name: string | null; mobile: string | null; unit: string | null };
}

/** What a tip officer (or the handler) can do next; each is a POST /api/tips/:id/<action>. */
export type TipAction = "accept" | "assign" | "unit" | "reject" | "close" | "feedback" | "reward" | "reward-approve" | "reward-paid";

export const TIP_ACTION_LABELS: Record<TipAction, string> = {
  accept: "受理",
  assign: "改派核查人",
  unit: "转交单位",
  reject: "不予受理",
  close: "办结",
  feedback: "反馈举报人",
  reward: "记录奖励",
  "reward-approve": "审批奖励",
  "reward-paid": "奖励已发放",
};

/**
 * The actions to offer, as the tip lifecycle allows them: a tip officer moves a tip along; its handler
 * (who is not an officer) may close it and write the feedback; a leader approves a reward. The server checks again.
 */
export function tipActionsFor(tip: Tip, officer: boolean, me: number | null): TipAction[] {
  const handler = tip.handler?.id === me;
  const out: TipAction[] = [];
  const code = tip.state.code;
  if (officer && code === "received") out.push("accept", "reject");
  if (officer && code === "verifying") out.push("assign", "reject");
  if (officer && tip.public && (code === "received" || code === "verifying")) out.push("unit");
  if ((officer || handler) && code === "verifying") out.push("close");
  if ((officer || handler) && tip.public) out.push("feedback");
  if (officer && code === "closed" && tip.result?.code === "substantiated" && tip.reward === null) out.push("reward");
  // Approved by a leader (主要负责人 or 分管负责人, the server checks), never by the officer who proposed it.
  if (!officer && tip.reward?.state.code === "pending") out.push("reward-approve");
  if (officer && tip.reward?.state.code === "approved") out.push("reward-paid");
  return out;
}

/** The date the list flags: the feedback deadline once verification is over, else the 办理期限. */
export function deadlineOf(tip: Tip): { label: string; at: string | null; overdue: boolean } {
  if (tip.public?.feedbackDueAt && !tip.public.feedback) return { label: "反馈期限", at: tip.public.feedbackDueAt, overdue: tip.public.feedbackOverdue };
  return { label: "办理期限", at: tip.dueAt, overdue: tip.overdue };
}
