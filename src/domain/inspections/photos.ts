import type { EntityManager } from "typeorm";
import { InspectionPhoto } from "../../db/entities";
import { Invalid } from "../../errors";

/** The media store's key shape (`20261126-<32 hex>.jpg`, as src/domain/hazards/photos.ts checks it). */
const KEY = /^\d{8}-[0-9a-f]{32}\.[a-z0-9]{2,5}$/;

/** Most photos one check-in takes; a phone sends at most nine at once. */
export const MAX_INSPECTION_PHOTOS = 9;

/** Refuses missing (when `required`), too many, repeated or malformed storage keys, with the field at fault. */
export function checkInspectionPhotos(keys: readonly string[] | undefined, required: boolean, field = "photoKeys"): string[] {
  const list = [...(keys ?? [])];
  if (required && list.length === 0) {
    throw Invalid("巡查结果为“无问题”时请至少上传一张现场照片", [{ where: field, message: "至少需要一张照片" }], "inspection_photos_missing");
  }
  if (list.length > MAX_INSPECTION_PHOTOS) {
    throw Invalid(`照片最多 ${MAX_INSPECTION_PHOTOS} 张`, [{ where: field, message: `最多 ${MAX_INSPECTION_PHOTOS} 张` }], "inspection_photos_too_many");
  }
  const bad = list.findIndex((k) => !KEY.test(k));
  if (bad >= 0) throw Invalid("照片存储键格式不正确", [{ where: `${field}.${bad}`, message: "不是有效的文件存储键" }], "inspection_photo_key_invalid");
  return [...new Set(list)];
}

/** Records a check-in's photos, in the caller's transaction. */
export async function addInspectionPhotos(tx: EntityManager, inspectionId: number, keys: readonly string[], at: Date): Promise<void> {
  if (keys.length === 0) return;
  await tx.insert(
    InspectionPhoto,
    keys.map((storageKey) => ({ inspectionId, storageKey, at })),
  );
}
