import type { EntityManager } from "typeorm";
import { InspectionPhoto } from "../../db/entities";
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
