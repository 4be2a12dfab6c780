import { allowedType, sniffType, typeFromFilename } from "../../media/contentTypes";
import type { MediaStore, StoredMedia } from "../../media/MediaStore";
import type { WecomApi, WecomReply } from "./api";
import { WecomError } from "./wecomError";

/** Upload kinds of media/upload and their size limits (doc /90253); every file must exceed 5 bytes. */
export const UPLOAD_LIMITS = { image: 10 << 20, voice: 2 << 20, video: 10 << 20, file: 20 << 20 } as const;
export type UploadKind = keyof typeof UPLOAD_LIMITS;

/** media_ids are opaque platform tokens; this keeps anything odd out of the query string. */
const MEDIA_ID = /^[A-Za-z0-9_@.\-]{1,256}$/;

/**
 * Downloads a media file a member sent (image, voice; media_id valid 3 days) into our storage.
 * A JSON reply is an error, never a file (the API answers errors as JSON with status 200), and
 * the bytes are kept only when their type is one we allow.
 */
export async function downloadMedia(api: WecomApi, mediaId: string, store: MediaStore): Promise<StoredMedia> {
  if (!MEDIA_ID.test(mediaId)) throw new WecomError("wecom_40007", "媒体文件 ID 格式不正确", false, { api: "media/get", errcode: 40007 });
  const file = await api.download("media/get", { media_id: mediaId }, store.maxBytes);
  const declared = file.contentType.split(";")[0].trim().toLowerCase();
  // Some files come as application/octet-stream; then the offered file name's extension, or the bytes, decide.
  const type = allowedType(declared) ?? (/^(application\/octet-stream|)$/.test(declared) ? (typeFromFilename(file.filename) ?? sniffType(file.bytes)) : undefined);
  if (!type) {
    throw new WecomError("wecom_media_type", `企业微信返回的文件类型（${declared || "未知"}）不在允许保存的范围内`, false, { api: "media/get" });
  }
  return store.save(file.bytes, type);
}

/** What to upload: bytes with their type and the name the recipient will see. */
export interface UploadFile {
  bytes: Buffer;
  contentType: string;
  filename: string;
}

/** Uploads a temporary media file (valid 3 days) and returns its media_id. */
export async function uploadMedia(api: WecomApi, file: UploadFile, kind: UploadKind = "file"): Promise<string> {
  if (file.bytes.length <= 5 || file.bytes.length > UPLOAD_LIMITS[kind]) {
    throw new WecomError("wecom_media_size", `上传到企业微信的文件须大于 5 字节、不超过 ${UPLOAD_LIMITS[kind] >> 20} MB（本文件 ${file.bytes.length} 字节）`, false, {
      api: "media/upload",
    });
  }
  const form = new FormData();
  form.append("media", new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.filename);
  const reply = await api.upload<WecomReply & { media_id?: string }>("media/upload", form, { type: kind });
  if (!reply.media_id) throw new WecomError("wecom_bad_response", "企业微信 media/upload 未返回 media_id", true, { api: "media/upload" });
  return reply.media_id;
}
