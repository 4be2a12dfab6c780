import { ChannelError, type InboundEvent } from "../src/channels/channel";
import { AppError } from "../src/errors";
import type { StoredMedia } from "../src/media/MediaStore";
import type { FlowInput } from "./flow";
import type { BotServices } from "./services";

/**
 * A message as a flow input. Photos and voice notes are fetched into our store first, so flows
 * only ever hold storage keys; a file of the wrong kind is refused here with a Chinese message.
 * Returns null for events that are not a message (card clicks and menu keys are the engine's).
 */
const PHOTO_EXPECTED = "这不是照片，请直接拍照，或从相册选择照片发送。";
const VOICE_EXPECTED = "这不是语音，请按住说话重新录制。";
const DOCUMENT_EXPECTED = "这个文件用不了。整改材料请发送 PDF 文件（如检测报告的扫描件），照片请直接拍照发送。";

/**
 * Fetches a sent file; a type the store refuses is explained in plain words (what to send), not
 * with the store's MIME type, which means nothing to a township official.
 */
async function fetchAs(services: BotServices, event: { channel: InboundEvent["channel"]; mediaId: string }, expected: string): Promise<StoredMedia> {
  try {
    return await services.inboundMedia(event.channel, event.mediaId);
  } catch (error) {
    if (error instanceof AppError && error.code === "media_type_not_allowed") throw new AppError("bot_file_unexpected", `无法识别这个文件。${expected}`, 415);
    // The platform handed over something we cannot keep (WeChat Work's file of another type): trying
    // again cannot help, so the person hears what to send instead of the turn failing in silence.
    if (error instanceof ChannelError && !error.retryable && !error.configProblem) throw new AppError("bot_file_unexpected", `无法接收这个文件。${expected}`, 415);
    throw error;
  }
}

export async function inputOf(event: InboundEvent, services: BotServices): Promise<FlowInput | null> {
  switch (event.kind) {
    case "text":
      return { kind: "text", text: event.text };
    case "location":
      return { kind: "location", latitude: event.latitude, longitude: event.longitude, ...(event.label ? { label: event.label } : {}) };
    case "image": {
      const stored = await fetchAs(services, event, PHOTO_EXPECTED);
      if (!stored.contentType.startsWith("image/")) throw new AppError("bot_photo_expected", PHOTO_EXPECTED, 415);
      return { kind: "photo", storageKey: stored.key, contentType: stored.contentType };
    }
    case "voice": {
      const stored = await fetchAs(services, event, VOICE_EXPECTED);
      if (!stored.contentType.startsWith("audio/")) throw new AppError("bot_voice_expected", VOICE_EXPECTED, 415);
      return { kind: "voice", storageKey: stored.key };
    }
    case "file": {
      const stored = await fetchAs(services, event, DOCUMENT_EXPECTED);
      // A photo sent "as a file" (DingTalk's desktop does this) is still a photo.
      if (stored.contentType.startsWith("image/")) return { kind: "photo", storageKey: stored.key, contentType: stored.contentType };
      if (stored.contentType !== "application/pdf") throw new AppError("bot_document_expected", DOCUMENT_EXPECTED, 415);
      return { kind: "document", storageKey: stored.key };
    }
    default:
      return null;
  }
}
