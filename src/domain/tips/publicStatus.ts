import type { EntityManager } from "typeorm";
import { PublicTip, Tip } from "../../db/entities";
import { NotFound } from "../../errors";
import type { TipKeys } from "./keys";
import { TRACKING_CODE, tokenMatches } from "./publicCodes";
import type { RewardState, TipState } from "./vocabulary";

/** How a tip's state reads to the public: plain words, no handler, no finding before the feedback. */
export const publicStateLabels: Record<TipState, string> = { received: "已收到，等待受理", verifying: "已受理，正在核查", closed: "已办结", rejected: "不予受理" };

/** What the tipster (or anyone holding code and token) may know of a tip: nothing more. */
export interface PublicTipStatus {
  code: string;
  status: TipState;
  statusLabel: string;
  reportedAt: Date;
  acceptedAt: Date | null;
  closedAt: Date | null;
  /** The feedback staff wrote for the public; null until written. */
  feedback: string | null;
  feedbackAt: Date | null;
  reward: { state: RewardState; amount: number | null; paidAt: Date | null } | null;
}

/** One 404 for an unknown code and a wrong token: neither tells a guesser which codes exist. */
export const publicTipNotFound = () => NotFound("该举报（请核对查询码和密钥）", "public_tip_not_found");

/** A public tip with its tip, by code (any syntactically valid code). */
export async function publicTipByCode(manager: EntityManager, code: string): Promise<{ tip: Tip; pub: PublicTip } | null> {
  if (!TRACKING_CODE.test(code)) return null;
  const pub = await manager.findOne(PublicTip, { where: { trackingCode: code } });
  if (!pub) return null;
  const tip = await manager.findOne(Tip, { where: { id: pub.tipId } });
  return tip ? { tip, pub } : null;
}

/** The public tip `code` names, when `token` is the one issued with it; else the one 404. */
export async function publicTipOf(manager: EntityManager, keys: TipKeys, code: string, token: string): Promise<{ tip: Tip; pub: PublicTip }> {
  const upper = code.trim().toUpperCase();
  const found = await publicTipByCode(manager, upper);
  if (!found || !token || !tokenMatches(keys, upper, token, found.pub.tokenHash)) throw publicTipNotFound();
  return found;
}

/** The status the tipster sees, when `token` is the one issued with `code`. */
export async function publicStatus(manager: EntityManager, keys: TipKeys, code: string, token: string): Promise<PublicTipStatus> {
  const found = await publicTipOf(manager, keys, code, token);
  return statusOf(found.tip, found.pub);
}

export function statusOf(tip: Tip, pub: PublicTip): PublicTipStatus {
  return {
    code: pub.trackingCode,
    status: tip.state,
    statusLabel: publicStateLabels[tip.state],
    reportedAt: tip.reportedAt,
    acceptedAt: tip.acceptedAt,
    closedAt: tip.closedAt,
    feedback: pub.publicFeedback,
    feedbackAt: pub.feedbackAt,
    reward: tip.rewardState ? { state: tip.rewardState, amount: tip.rewardAmount, paidAt: tip.rewardPaidAt } : null,
  };
}
