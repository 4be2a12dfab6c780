import { type EntityManager, In } from "typeorm";
import { HazardPhoto, Inspection, InspectionPhoto, TipPhoto } from "../../db/entities";
import { Invalid } from "../../errors";
import { definePhotos, MAX_PHOTOS } from "../kernel/photos";

/** Most photos one check-in takes; a phone sends at most nine at once. */
export const MAX_INSPECTION_PHOTOS = MAX_PHOTOS;

/** A check-in's photos: the evidence that the visit happened; repeated keys count once. */
export const inspectionPhotos = definePhotos({
  entity: InspectionPhoto,
  caseColumn: "inspectionId",
  area: "inspection",
  missingMessage: "巡查结果为“无问题”时请至少上传一张现场照片",
  unique: true,
});

/** Refuses missing (when `required`), too many, repeated or malformed storage keys, with the field at fault. */
export function checkInspectionPhotos(keys: readonly string[] | undefined, required: boolean, field = "photoKeys"): string[] {
  return inspectionPhotos.check(keys, { required, field });
}

/** Records a check-in's photos, in the caller's transaction. */
export function addInspectionPhotos(tx: EntityManager, inspectionId: number, keys: readonly string[], at: Date): Promise<void> {
  return inspectionPhotos.attach(tx, inspectionId, keys, at);
}

/**
 * Refuses photo keys that name no stored file, or a file that came to us from someone else: a
 * tip's photo (anonymous by promise), another person's hazard photo or another inspector's
 * check-in photo. Keys are the store's own random names, so a key the caller never received
 * can only have been guessed or copied from someone else's record.
 */
export async function checkPhotosAreTheCallers(tx: EntityManager, media: PhotoFiles | undefined, keys: readonly string[], callerId: number, field = "photoKeys"): Promise<void> {
  if (keys.length === 0) return;
  const notYours = (i: number) => Invalid("照片不是您本人上传的，请重新拍摄上传", [{ where: `${field}.${i}`, message: "不是本人上传的照片" }], "inspection_photo_not_yours");
  const tips = await tx.find(TipPhoto, { where: { storageKey: In([...keys]) }, select: { storageKey: true } });
  const hazards = await tx.find(HazardPhoto, { where: { storageKey: In([...keys]) }, select: { storageKey: true, uploadedBy: true } });
  const inspections = await tx
    .createQueryBuilder(InspectionPhoto, "p")
    .innerJoin(Inspection, "i", "i.id = p.inspection_id")
    .select("p.storage_key", "storageKey")
    .where("p.storage_key IN (:...keys) AND i.inspector_id <> :callerId", { keys: [...keys], callerId })
    .getRawMany<{ storageKey: string }>();
  const foreign = new Set([...tips.map((t) => t.storageKey), ...hazards.filter((h) => h.uploadedBy !== callerId).map((h) => h.storageKey), ...inspections.map((p) => p.storageKey)]);
  const taken = keys.findIndex((k) => foreign.has(k));
  if (taken >= 0) throw notYours(taken);
  if (!media) return;
  for (const [i, key] of keys.entries()) {
    try {
      await media.read(key);
    } catch (err) {
      if ((err as { code?: string }).code !== "media_not_found" && (err as { code?: string }).code !== "media_key_invalid") throw err;
      throw Invalid("照片不存在或已过期，请重新拍摄上传", [{ where: `${field}.${i}`, message: "找不到这张照片" }], "inspection_photo_unknown");
    }
  }
}

/** The part of the media store a check-in needs: whether a key names a stored file. */
export interface PhotoFiles {
  read(key: string): Promise<unknown>;
}
