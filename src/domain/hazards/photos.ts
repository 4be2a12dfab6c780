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

/**
 * Records photos of one stage, in the caller's transaction. A photo the hazard already has at that
 * stage is not recorded twice (the console uploads 整改后 photos first, then hands them in by key).
 */
export async function addPhotos(tx: EntityManager, hazardId: number, stage: HazardPhotoStage, keys: readonly string[], uploadedBy: number, at: Date): Promise<void> {
  const held = new Set((await tx.find(HazardPhoto, { where: { hazardId, stage }, select: { id: true, storageKey: true } })).map((p) => p.storageKey));
  await hazardPhotos.attach(tx, hazardId, keys.filter((k) => !held.has(k)), at, { stage, uploadedBy });
}

/** A hazard's photos, oldest first. */
export function photosOf(manager: EntityManager, hazardId: number): Promise<HazardPhoto[]> {
  return hazardPhotos.list(manager, hazardId);
}
