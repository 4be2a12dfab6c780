import type { ChannelId } from "../src/channels/channel";
import type { Clock } from "../src/clock";
import type { Database } from "../src/db/Database";
import type { HazardService } from "../src/domain/hazards";
import type { InspectionService } from "../src/domain/inspections";
import type { TipService } from "../src/domain/tips";
import type { MediaStore, StoredMedia } from "../src/media/MediaStore";

/**
 * What flows act through: domain services and the stores they need, built once in src/services.ts.
 * Flows call the domain's verbs (which check roles and write the ledger), never the tables directly.
 */
export interface BotServices {
  db: Database;
  clock: Clock;
  hazards: HazardService;
  media: MediaStore;
  /**
   * Brings a file a person sent (its channel's media id) into our store: WeChat Work's media/get,
   * or the console's own upload. Refuses types and sizes the store does not take, in Chinese.
   */
  inboundMedia(channel: ChannelId, mediaId: string): Promise<StoredMedia>;
  /** Enabled channels in order of preference, for messages to people other than the sender. */
  channels: readonly ChannelId[];
  /** 巡查打卡; the hazard flow also links a hazard to the check-in that found it. */
  inspections: InspectionService;
  /** 举报 and 我的举报. */
  tips: TipService;
}
