import { createHash } from "node:crypto";
import exifr from "exifr";
import type { EntityManager } from "typeorm";
import { PublicTipPhoto } from "../../db/entities";
import { Invalid } from "../../errors";
import { photoTypes } from "../../media/photoBytes";
import type { MediaStore } from "../../media/MediaStore";
import { MAX_PHOTOS as MAX_TIP_PHOTOS } from "../kernel/photos";

/**
 * Stores the photos the public sent and returns their storage keys, in order. The bytes decide
 * the type (the name and declared type are the sender's to fake); each photo is size-limited; a
 * photo already stored (the same bytes, in this tip or an earlier one) is kept once. The position
 * in its EXIF is kept beside it for staff; no public answer ever carries a photo.
 */
export async function storePublicPhotos(manager: EntityManager, media: MediaStore, photos: readonly Buffer[], maxBytes: number, now: Date): Promise<string[]> {
  if (photos.length > MAX_TIP_PHOTOS) throw Invalid(`照片最多 ${MAX_TIP_PHOTOS} 张`, [{ where: "photos", message: `最多 ${MAX_TIP_PHOTOS} 张` }], "tip_photos_too_many");
  const types = photoTypes(photos, maxBytes, "tip");
  const keys: string[] = [];
  for (const [i, bytes] of photos.entries()) {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const known = await manager.findOne(PublicTipPhoto, { where: { sha256 } });
    if (known) {
      if (!keys.includes(known.storageKey)) keys.push(known.storageKey);
      continue;
    }
    const stored = await media.save(bytes, types[i] as string);
    const gps = await exifLocation(bytes);
    // Two tips racing with the same photo: the second insert loses and takes the first one's key.
    try {
      await manager.insert(PublicTipPhoto, { sha256, storageKey: stored.key, latitude: gps?.latitude ?? null, longitude: gps?.longitude ?? null, createdAt: now });
      keys.push(stored.key);
    } catch (err) {
      const winner = await manager.findOne(PublicTipPhoto, { where: { sha256 } });
      if (!winner) throw err;
      if (!keys.includes(winner.storageKey)) keys.push(winner.storageKey);
    }
  }
  return keys;
}

/** The GPS position a photo's EXIF records, if any and sane; a broken EXIF is no position, not an error. */
async function exifLocation(bytes: Buffer): Promise<{ latitude: number; longitude: number } | null> {
  try {
    const gps = (await exifr.gps(bytes)) as { latitude?: number; longitude?: number } | undefined;
    const { latitude, longitude } = gps ?? {};
    if (typeof latitude !== "number" || typeof longitude !== "number" || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
    if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
    return { latitude, longitude };
  } catch {
    return null;
  }
}

/** The EXIF positions of photos, by storage key, for the staff's view of a tip. */
export async function photoLocations(manager: EntityManager, keys: readonly string[]): Promise<Map<string, { latitude: number; longitude: number }>> {
  const found = new Map<string, { latitude: number; longitude: number }>();
  if (keys.length === 0) return found;
  const rows = await manager.createQueryBuilder(PublicTipPhoto, "p").where("p.storageKey IN (:...keys)", { keys: [...keys] }).getMany();
  for (const r of rows) if (r.latitude !== null && r.longitude !== null) found.set(r.storageKey, { latitude: r.latitude, longitude: r.longitude });
  return found;
}
