import type { KeyValue } from "../../kv";
import type { MediaStore } from "../../media/MediaStore";
import { ChannelError } from "../channel";
import type { DingtalkApi, OapiReply } from "./api";
import { LIMITS } from "./limits";
import type { WorkNoticeMsg } from "./messages";

export const MEDIA_UPLOAD_API = "media/upload";

/** Content types a DingTalk file message carries: pictures, PDFs and office documents. */
export const FILE_TYPES: readonly string[] = [
  "image/jpeg",
  "image/png",
  "application/pdf",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

/** media_ids live 3 days; one is reused for a little less, so every batch of a file uploads it once. */
const MEDIA_ID_TTL_MS = 60 * 60 * 60_000;

/** A file of our store as DingTalk media, with what each way of sending it needs. */
export interface UploadedFile {
  mediaId: string;
  /** What the recipient sees: `安哨文件-20261126.xlsx` (the key's date and extension, nothing random). */
  fileName: string;
  /** The extension, which the robot's `sampleFile` names. */
  fileType: string;
  /** Work notifications show JPG and PNG as pictures; anything else is a file to open. */
  kind: "image" | "file";
}

/**
 * Files we send people (the monthly report workbook, PDFs): uploaded with oapi `media/upload`, then
 * sent by media id as a work notification of type file / image or as the robot's `sampleFile`
 * (PROTOCOLS §3.3, §3.6). A file is uploaded once for all its batches and instances (the kv keeps the id).
 */
export class DingtalkFiles {
  constructor(private readonly deps: { api: DingtalkApi; media?: MediaStore; kv: KeyValue; appKey: string }) {}

  async upload(storageKey: string): Promise<UploadedFile> {
    const fileType = storageKey.split(".").pop()?.toLowerCase() ?? "bin";
    const kind = /^(jpe?g|png)$/.test(fileType) ? "image" : "file";
    const file = { fileName: `安哨文件-${storageKey.split("-")[0]}.${fileType}`, fileType, kind } as const;
    const cacheKey = this.cacheKey(storageKey);
    const cached = await this.deps.kv.get(cacheKey);
    if (cached) return { ...file, mediaId: cached };
    const { media } = this.deps;
    if (!media) throw new ChannelError("dingtalk", "dingtalk_media_unavailable", "未配置文件存储，无法发送文件消息", false);
    const stored = await media.read(storageKey);
    if (stored.bytes.length > LIMITS.fileUploadBytes) {
      throw new ChannelError("dingtalk", "dingtalk_media_size", `发送到钉钉的文件不能超过 ${LIMITS.fileUploadBytes >> 20} MB（本文件 ${stored.bytes.length} 字节）`, false);
    }
    const form = new FormData();
    form.append("media", new Blob([new Uint8Array(stored.bytes)], { type: stored.contentType }), file.fileName);
    const reply = await this.deps.api.upload<OapiReply & { media_id?: string }>(MEDIA_UPLOAD_API, form, { type: kind });
    if (typeof reply.media_id !== "string" || reply.media_id === "") throw new ChannelError("dingtalk", "dingtalk_bad_response", "钉钉 media/upload 未返回 media_id", true);
    await this.deps.kv.set(cacheKey, reply.media_id, MEDIA_ID_TTL_MS);
    return { ...file, mediaId: reply.media_id };
  }

  /** Drops the cached media id of a file the platform no longer knows, so the next send uploads it again. */
  forget(storageKey: string): Promise<void> {
    return this.deps.kv.del(this.cacheKey(storageKey));
  }

  private cacheKey(storageKey: string): string {
    return `dingtalk:media:${this.deps.appKey}:${storageKey}`;
  }
}

/** The work notification carrying an uploaded file. */
export function fileNotice(file: UploadedFile): WorkNoticeMsg {
  return file.kind === "image" ? { msgtype: "image", image: { media_id: file.mediaId } } : { msgtype: "file", file: { media_id: file.mediaId } };
}

/** The robot one-to-one message carrying an uploaded file (shown as a file card in the robot chat). */
export function robotFile(file: UploadedFile): { msgKey: string; msgParam: string } {
  return { msgKey: "sampleFile", msgParam: JSON.stringify({ mediaId: file.mediaId, fileName: file.fileName, fileType: file.fileType }) };
}
