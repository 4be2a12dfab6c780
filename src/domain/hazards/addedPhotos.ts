import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Hazard, type Person } from "../../db/entities";
import { Conflict, Forbidden, NotFound } from "../../errors";
import { appendLedger } from "./ledger";
import { addPhotos, checkPhotoKeys } from "./photos";
import { holdsRole, STAFF_ROLES } from "./policy";
import { type HazardState, hazardPhotoStages } from "./vocabulary";

/** Photos added outside a transition: more of the hazard as found, of the work after rectification, or of a fix on the spot. */
export type AddedPhotoStage = "before" | "after" | "proof";

/** After-photos show rectification, so they come once it has started. */
const RECTIFICATION_STARTED: readonly HazardState[] = ["rectifying", "submitted", "verified", "closed"];

/**
 * Adds photos (already in the media store) to a hazard as 整改前 or 整改后, with a ledger line
 * (`photos`, the stage and count as its reason) so the timeline says who added what when.
 * Supervising staff and the hazard's own responsible person may; an enterprise's person may not
 * add to another's hazard.
 */
export async function addHazardPhotos(deps: { db: Database; clock: Clock }, hazardId: number, actor: Person, stage: AddedPhotoStage, keys: readonly string[]): Promise<void> {
  const clean = checkPhotoKeys(keys, "photos", true);
  await deps.db.transaction(async (tx) => {
    const hazard = await tx.findOneBy(Hazard, { id: hazardId });
    if (!hazard) throw NotFound("该隐患", "hazard_not_found");
    if (!actor.active || !(holdsRole(actor, STAFF_ROLES) || hazard.ownerId === actor.id || hazard.reporterId === actor.id)) throw Forbidden("没有权限为该隐患上传照片", "hazard_photo_forbidden");
    if (stage === "after" && !RECTIFICATION_STARTED.includes(hazard.state)) throw Conflict("开始整改后才能上传整改后照片", "hazard_after_photos_too_early");
    // 即知即改 closes a hazard not yet handed out: its proof is uploaded first, then handed in with it.
    if (stage === "proof" && hazard.state !== "reported") throw Conflict("只有尚未交办的隐患才能上传即知即改照片", "hazard_proof_photos_late");
    const now = deps.clock.now();
    await addPhotos(tx, hazard.id, stage, clean, actor.id, now);
    await appendLedger(tx, { hazardId: hazard.id, at: now, actorId: actor.id, action: "photos", reason: `${hazardPhotoStages.labelOf(stage)}照片 ${clean.length} 张` });
  });
}
