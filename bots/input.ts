import type { InboundEvent } from "../src/channels/channel";
import { AppError } from "../src/errors";
import type { FlowInput } from "./flow";
import type { BotServices } from "./services";

/**
 * A message as a flow input. Photos and voice notes are fetched into our store first, so flows
 * only ever hold storage keys; a file of the wrong kind is refused here with a Chinese message.
 * Returns null for events that are not a message (card clicks and menu keys are the engine's).
 */
export async function inputOf(event: InboundEvent, services: BotServices): Promise<FlowInput | null> {
  switch (event.kind) {
    case "text":
      return { kind: "text", text: event.text };
    case "location":
      return { kind: "location", latitude: event.latitude, longitude: event.longitude, ...(event.label ? { label: event.label } : {}) };
    case "image": {
      const stored = await services.inboundMedia(event.channel, event.mediaId);
      if (!stored.contentType.startsWith("image/")) throw new AppError("bot_photo_expected", "这不是照片，请发送 JPG 或 PNG 格式的照片。", 415);
      return { kind: "photo", storageKey: stored.key, contentType: stored.contentType };
    }
    case "voice": {
      const stored = await services.inboundMedia(event.channel, event.mediaId);
      if (!stored.contentType.startsWith("audio/")) throw new AppError("bot_voice_expected", "这不是语音，请重新录制。", 415);
      return { kind: "voice", storageKey: stored.key };
    }
    default:
      return null;
  }
}
