import { allowedType, sniffType, typeFromFilename } from "../../media/contentTypes";
import type { MediaStore, StoredMedia } from "../../media/MediaStore";
import { ChannelError } from "../channel";
import type { DingtalkApi } from "./api";

export const FILE_DOWNLOAD_API = "/v1.0/robot/messageFiles/download";

/**
 * Brings a file someone sent the robot (picture, voice note, file) into our store: the download
 * code buys a temporary URL (PROTOCOLS §3.3), whose bytes are kept only when their type is one we
 * allow — by the declared type, else the URL's file name, else the bytes themselves.
 */
export async function downloadRobotFile(api: DingtalkApi, robotCode: string, downloadCode: string, store: MediaStore): Promise<StoredMedia> {
  const reply = await api.v1<{ downloadUrl?: unknown }>("POST", FILE_DOWNLOAD_API, { downloadCode, robotCode });
  if (typeof reply.downloadUrl !== "string" || !/^https?:\/\//.test(reply.downloadUrl)) {
    throw new ChannelError("dingtalk", "dingtalk_bad_response", "钉钉未返回文件下载地址", true);
  }
  const file = await api.download(reply.downloadUrl, store.maxBytes);
  const declared = (file.contentType ?? "").split(";")[0].trim().toLowerCase();
  const name = new URL(reply.downloadUrl).pathname.split("/").pop();
  const type = allowedType(declared) ?? (/^(application\/octet-stream|)$/.test(declared) ? (typeFromFilename(name) ?? sniffType(file.data)) : undefined);
  // A type we do not keep is refused by the store, in the words the bots explain to people.
  return store.save(file.data, type ?? (declared || "application/octet-stream"));
}
