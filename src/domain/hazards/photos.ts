import type { EntityManager } from "typeorm";
import { HazardPhoto } from "../../db/entities";
import { Invalid } from "../../errors";
import type { HazardPhotoStage } from "./vocabulary";

/** The media store's key shape (`20261126-<32 hex>.jpg`); anything else never reaches the table. */
const KEY = /^\d{8}-[0-9a-f]{32}\.[a-z0-9]{2,5}$/;

/** Most photos one step takes; a phone sends at most nine at once. */
export const MAX_PHOTOS = 9;

/** Refuses missing (when `required`), too many or malformed storage keys, with the field at fault. */
export function checkPhotoKeys(keys: readonly string[] | undefined, field: string, required: boolean): string[] {
  const list = [...(keys ?? [])];
  if (required && list.length === 0) throw Invalid("请至少上传一张照片", [{ where: field, message: "至少需要一张照片" }], "hazard_photos_missing");
  if (list.length > MAX_PHOTOS) throw Invalid(`照片最多 ${MAX_PHOTOS} 张`, [{ where: field, message: `最多 ${MAX_PHOTOS} 张` }], "hazard_photos_too_many");
  const bad = list.findIndex((k) => !KEY.test(k));
  if (bad >= 0) throw Invalid("照片存储键格式不正确", [{ where: `${field}.${bad}`, message: "不是有效的文件存储键" }], "hazard_photo_key_invalid");
  return list;
}

/** Records photos of one stage, in the caller's transaction. */
export async function addPhotos(tx: EntityManager, hazardId: number, stage: HazardPhotoStage, keys: readonly string[], uploadedBy: number, at: Date): Promise<void> {
  if (keys.length === 0) return;
  await tx.insert(
    HazardPhoto,
    keys.map((storageKey) => ({ hazardId, stage, storageKey, uploadedBy, at })),
  );
}

/** A hazard's photos, oldest first. */
export function photosOf(manager: EntityManager, hazardId: number): Promise<HazardPhoto[]> {
  return manager.find(HazardPhoto, { where: { hazardId }, order: { at: "ASC", id: "ASC" } });
}
