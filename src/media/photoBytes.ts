import { AppError, Invalid } from "../errors";
import { sniffType } from "./contentTypes";

/** Photo types a person uploads: what phones take and browsers show. */
export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];

/**
 * The type each uploaded photo's bytes show, in order; refuses (with `area` in the error codes and
 * `field` naming the part) a photo over `maxBytes` or bytes that are not a photo, whatever the file
 * is called or claims to be.
 */
export function photoTypes(photos: readonly Buffer[], maxBytes: number, area: string, field = "photos"): string[] {
  return photos.map((bytes, i) => {
    if (bytes.length > maxBytes) throw new AppError(`${area}_photo_too_large`, `第 ${i + 1} 张照片超过 ${Math.floor(maxBytes / 1024 / 1024)} MB，请压缩后再传`, 413, [{ where: `${field}.${i}`, message: "过大" }]);
    const type = bytes.length > 0 ? sniffType(bytes, "image/") : undefined;
    if (!type || !PHOTO_TYPES.includes(type)) throw Invalid(`第 ${i + 1} 张不是照片（支持 jpg、png、webp、gif）`, [{ where: `${field}.${i}`, message: "不是图片" }], `${area}_photo_not_image`);
    return type;
  });
}
