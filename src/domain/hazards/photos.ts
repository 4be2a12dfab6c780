import type { EntityManager } from "typeorm";
import { HazardPhoto } from "../../db/entities";
import { definePhotos } from "../kernel/photos";
import type { HazardPhotoStage } from "./vocabulary";

export { MAX_PHOTOS } from "../kernel/photos";

/** A hazard's photos, by stage and uploader, kept by the kernel's photo helper. */
export const hazardPhotos = definePhotos({ entity: HazardPhoto, caseColumn: "hazardId", area: "hazard" });

/** Refuses missing (when `required`), too many or malformed storage keys, with the field at fault. */
export function checkPhotoKeys(keys: readonly string[] | undefined, field: string, required: boolean): string[] {
  return hazardPhotos.check(keys, { field, required });
}

/** Records photos of one stage, in the caller's transaction. */
export function addPhotos(tx: EntityManager, hazardId: number, stage: HazardPhotoStage, keys: readonly string[], uploadedBy: number, at: Date): Promise<void> {
  return hazardPhotos.attach(tx, hazardId, keys, at, { stage, uploadedBy });
}

/** A hazard's photos, oldest first. */
export function photosOf(manager: EntityManager, hazardId: number): Promise<HazardPhoto[]> {
  return hazardPhotos.list(manager, hazardId);
}
