import { type Person, Tip, TipHazard, TipPhoto } from "../../db/entities";
import { Conflict } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import { isTipOfficer } from "./policy";
import { tipNotFound } from "./transition";
import type { TipServiceDeps } from "./types";

/** What a hazard made from a tip starts from: the tip's place, words and photos, never its tipster. */
export interface TipForHazard {
  tip: Tip;
  /** Set when the tip was already turned into a hazard (the action is idempotent). */
  hazardId: number | null;
  enterpriseId: number | null;
  place: { locationText: string; latitude: number | null; longitude: number | null } | null;
  description: string;
  photoKeys: string[];
}

/** A substantiated, closed tip the actor (tip officer or its handler) may turn into a hazard. */
export async function tipForHazard(deps: Pick<TipServiceDeps, "db">, tipId: number, actor: Person): Promise<TipForHazard> {
  const m = deps.db.manager;
  const tip = await m.findOne(Tip, { where: { id: tipId } });
  if (!tip || (!isTipOfficer(actor) && tip.handlerId !== actor.id)) throw tipNotFound();
  if (tip.state !== "closed" || tip.result !== "substantiated") throw Conflict("只有核查属实的举报才能转为隐患", "tip_not_substantiated");
  const linked = await m.findOne(TipHazard, { where: { tipId } });
  const photos = await m.find(TipPhoto, { where: { tipId }, order: { id: "ASC" } });
  const place = tip.enterpriseId ? null : { locationText: tip.locationText ?? (tip.latitude !== null ? `位置 ${tip.latitude}, ${tip.longitude}` : "未注明"), latitude: tip.latitude, longitude: tip.longitude };
  return {
    tip,
    hazardId: linked?.hazardId ?? null,
    enterpriseId: tip.enterpriseId,
    place,
    description: `${tip.content}\n（由举报 ${tip.number} 转办；核查情况：${tip.resolution ?? ""}）`,
    photoKeys: photos.map((p) => p.storageKey),
  };
}

/** Records the link both ways (one row per tip, unique per hazard) with an audit line on the tip. */
export async function linkTipToHazard(deps: Pick<TipServiceDeps, "db" | "clock">, tipId: number, hazard: { id: number; number: string }, actor: Person): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    if (await tx.findOne(TipHazard, { where: { tipId } })) return;
    await tx.insert(TipHazard, { tipId, hazardId: hazard.id, linkedBy: actor.id, linkedAt: now });
    await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "tip.to_hazard", entityType: "tip", entityId: tipId, after: { hazardId: hazard.id, hazardNumber: hazard.number } });
  });
}

/** The tip a hazard was made from, if any. */
export async function tipOfHazard(deps: Pick<TipServiceDeps, "db">, hazardId: number): Promise<number | null> {
  return (await deps.db.manager.findOne(TipHazard, { where: { hazardId } }))?.tipId ?? null;
}
