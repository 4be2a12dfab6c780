import { type Person, PublicTip, Tip } from "../../db/entities";
import { Conflict, Invalid } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import { isTipOfficer } from "./policy";
import { tipNotFound } from "./transition";
import type { TipServiceDeps } from "./types";

const MAX_FEEDBACK_CHARS = 1000;

/**
 * 反馈: what the public is told about their tip, by a tip officer or its handler. The public sees
 * it as soon as it is written (lookup, Open311 `status_notes`); written again, it replaces the old.
 * Audited without the text's author being the tipster's concern: the line names the staff member.
 */
export async function writePublicFeedback(deps: Pick<TipServiceDeps, "db" | "clock">, tipId: number, actor: Person, text: string): Promise<PublicTip> {
  const feedback = text?.trim() ?? "";
  if (!feedback) throw Invalid("请填写给举报人的反馈", [{ where: "text", message: "不能为空" }], "tip_feedback_required");
  if ([...feedback].length > MAX_FEEDBACK_CHARS) throw Invalid(`反馈不能超过 ${MAX_FEEDBACK_CHARS} 个字`, [{ where: "text", message: "过长" }], "tip_feedback_too_long");
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const tip = await tx.findOne(Tip, { where: { id: tipId } });
    if (!tip || (!isTipOfficer(actor) && tip.handlerId !== actor.id)) throw tipNotFound();
    const pub = await tx.findOne(PublicTip, { where: { tipId } });
    if (!pub) throw Conflict("该举报不是群众举报，没有对外反馈", "tip_not_public");
    await tx.update(PublicTip, { tipId }, { publicFeedback: feedback, feedbackAt: now });
    await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "tip.feedback", entityType: "tip", entityId: tipId, before: { feedback: pub.publicFeedback }, after: { feedback } });
    return { ...pub, publicFeedback: feedback, feedbackAt: now };
  });
}
