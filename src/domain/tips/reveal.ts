import { type Person, Tip } from "../../db/entities";
import { Conflict, Forbidden, Invalid } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import type { TipIdentity } from "./keys";
import { isTipOfficer } from "./policy";
import { tipNotFound } from "./transition";
import type { TipServiceDeps } from "./types";

/** Why the identity is needed (written to the audit log), and the request it came with. */
export interface RevealInput {
  reason: string;
  requestId?: string | null;
}

export interface RevealedReporter {
  tip: Tip;
  identity: TipIdentity;
}

const MAX_REASON_CHARS = 500;

/**
 * Opens a tipster's identity for a tip officer. Every reveal is an audit line with who, when and
 * why — never what was revealed; a refused attempt is an audit line too. A key that does not fit
 * is refused in words (see `TipKeys.open`) and leaves no line, as nothing was revealed.
 */
export async function revealReporter(deps: TipServiceDeps, tipId: number, actor: Person, input: RevealInput): Promise<RevealedReporter> {
  const reason = input.reason?.trim() ?? "";
  const at = deps.clock.now();
  const line = { at, actor: `person:${actor.id}`, entityType: "tip", entityId: tipId, requestId: input.requestId ?? null };
  if (!isTipOfficer(actor)) {
    await deps.db.write((m) => appendAudit(m, { ...line, action: "tip.reveal_refused", after: { reason: reason.slice(0, MAX_REASON_CHARS) || null } }));
    throw Forbidden("只有举报受理人员可以查看举报人身份", "tip_reveal_forbidden");
  }
  if (!reason) throw Invalid("请填写查看举报人身份的理由（将记入审计日志）", [{ where: "reason", message: "不能为空" }], "tip_reveal_reason_required");
  if ([...reason].length > MAX_REASON_CHARS) throw Invalid(`理由不能超过 ${MAX_REASON_CHARS} 个字`, [{ where: "reason", message: "过长" }]);
  return deps.db.transaction(async (tx) => {
    const tip = await tx.findOne(Tip, { where: { id: tipId } });
    if (!tip) throw tipNotFound();
    if (!tip.reporterSealed) throw Conflict("该举报为匿名举报，没有留存举报人身份", "tip_anonymous");
    const identity = deps.keys.open(tip.reporterSealed, tip.identityKeyId, tip.number);
    await appendAudit(tx, { ...line, action: "tip.reveal", after: { reason } });
    return { tip, identity };
  });
}
