import { OrgUnit, type Person, PublicTip, Tip } from "../../db/entities";
import { Conflict, Invalid } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import { tipNotices } from "./messages";
import { notifyTip, tipFactsOf } from "./notify";
import { requireTipOfficer } from "./policy";
import { officersFor } from "./routing";
import { tipChangedConcurrently, tipNotFound } from "./transition";
import type { TipServiceDeps } from "./types";
import { OPEN_TIP_STATES } from "./vocabulary";

/**
 * 转交单位: a tip officer sends an open public tip to another unit when its place named the wrong one
 * (or none). The unit decides whose tip officers are told and whose leader hears of a missed
 * deadline; that unit's tip officers (or the nearest above it) are told now. Audited.
 */
export async function routeTipToUnit(
  deps: Pick<TipServiceDeps, "db" | "clock" | "outbox" | "channels">,
  tipId: number,
  actor: Person,
  input: { unitId: number; expectedVersion?: number },
): Promise<Tip> {
  requireTipOfficer(actor, "转交举报");
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const tip = await tx.findOne(Tip, { where: { id: tipId } });
    if (!tip) throw tipNotFound();
    if (input.expectedVersion !== undefined && input.expectedVersion !== tip.version) throw tipChangedConcurrently();
    const pub = await tx.findOne(PublicTip, { where: { tipId } });
    if (!pub) throw Conflict("该举报不是群众举报，没有所属单位，无需转交", "tip_not_public");
    if (!OPEN_TIP_STATES.includes(tip.state)) throw Conflict("该举报已办结或不予受理，不能再转交单位", "tip_not_open");
    const unit = await tx.findOne(OrgUnit, { where: { id: input.unitId } });
    if (!unit) throw Invalid("找不到该单位", [{ where: "unitId", message: "没有这个单位" }], "tip_unit_unknown");
    if (pub.unitId === unit.id) return tip;
    await tx.update(PublicTip, { tipId }, { unitId: unit.id });
    // The tip itself moves on a version, so a page holding the old one is told to refresh.
    const moved = await tx.update(Tip, { id: tipId, version: tip.version }, { updatedAt: now, version: tip.version + 1 });
    if ((moved.affected ?? 0) === 0) throw tipChangedConcurrently();
    const saved = { ...tip, updatedAt: now, version: tip.version + 1 };
    await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "tip.route", entityType: "tip", entityId: tipId, before: { unitId: pub.unitId }, after: { unitId: unit.id, unit: unit.name } });
    const officers = await officersFor(tx, unit.id);
    await notifyTip(tx, deps.outbox, deps.channels, { tip: saved, action: "route", text: tipNotices.routed(await tipFactsOf(tx, saved), unit.name), to: officers.map((o) => o.id) });
    return saved;
  });
}
