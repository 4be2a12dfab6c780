import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { AppError, NotFound } from "../errors";
import { allowedType, allowedTypesText, bytesMatchType, contentTypeOfExtension, extensionOf, sniffType } from "./contentTypes";
import { MEDIA_KEY as KEY, type MediaStore, type StoredMedia } from "./MediaStore";

export interface LocalMediaStoreOptions {
  /** `config.media.dir` (MEDIA_DIR). */
  dir: string;
  /** `config.media.maxBytes` (MEDIA_MAX_MB). */
  maxBytes: number;
  now?: () => Date;
}

/**
 * The default store: files in a local directory, one sub-directory per month
 * (`<dir>/202611/20261126-….jpg`) so no directory grows without bound.
 */
export class LocalMediaStore implements MediaStore {
  readonly maxBytes: number;
  private readonly dir: string;
  private readonly now: () => Date;

  constructor(options: LocalMediaStoreOptions) {
    this.dir = resolve(options.dir);
    this.maxBytes = options.maxBytes;
    this.now = options.now ?? (() => new Date());
  }

  async save(bytes: Buffer, contentType: string): Promise<StoredMedia> {
    let type = allowedType(contentType);
    if (!type) throw new AppError("media_type_not_allowed", `不支持保存该类型的文件（${contentType.split(";")[0] || "未知类型"}），只接受${allowedTypesText()}`, 415);
    if (bytes.length > this.maxBytes) {
      throw new AppError("media_too_large", `文件大小 ${mb(bytes.length)} MB，超过上限 ${mb(this.maxBytes)} MB（MEDIA_MAX_MB）`, 413);
    }
    // A photo or voice note labelled with a sibling type keeps its real type; anything else that
    // contradicts its label (an HTML page called a photo) is refused.
    if (bytes.length === 0 || !bytesMatchType(type, bytes)) type = sniffType(bytes, familyOf(type));
    if (!type) throw new AppError("media_content_mismatch", `文件内容与声明的类型（${contentType.split(";")[0]}）不符，已拒绝保存`, 415);
    const key = `${this.now().toISOString().slice(0, 10).replace(/-/g, "")}-${randomBytes(16).toString("hex")}.${extensionOf(type)}`;
    const path = this.pathOf(key);
    await mkdir(join(path, ".."), { recursive: true });
    // Written under a temporary name and renamed, so a reader never sees half a file.
    const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, bytes, { flag: "wx", mode: 0o640 });
    try {
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    return { key, contentType: type, size: bytes.length };
  }

  async read(key: string): Promise<StoredMedia & { bytes: Buffer }> {
    const path = this.pathOf(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw NotFound("该文件", "media_not_found");
      throw err;
    }
    const contentType = contentTypeOfExtension(KEY.exec(key)?.[2] ?? "") as string;
    return { key, contentType, size: bytes.length, bytes };
  }

  /** The file's path, for a key of our own format only. */
  private pathOf(key: string): string {
    const match = KEY.exec(key);
    if (!match || !contentTypeOfExtension(match[2])) throw new AppError("media_key_invalid", "文件存储键格式不正确", 400);
    return join(this.dir, match[1].slice(0, 6), key);
  }
}

/** Where a mislabelled file may still be recognised: another image for an image, another audio format for audio; PDF is the only document told apart by its bytes. */
const familyOf = (type: string) => (type.startsWith("application/") ? "application/pdf" : `${type.split("/")[0]}/`);

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
