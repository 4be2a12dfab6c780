import type { ChannelId } from "../src/channels/channel";
import type { Clock } from "../src/clock";
import type { OwedCallouts } from "../src/domain/callouts/owed";
import type { ConversationService } from "../src/domain/conversations";
import type { DutyService } from "../src/domain/duty";
import type { DigestService } from "../src/domain/digest";
import type { HazardService } from "../src/domain/hazards";
import type { HazardPicks } from "../src/domain/hazards/picks";
import type { InspectionService } from "../src/domain/inspections";
import type { TipService } from "../src/domain/tips";
import type { MediaStore, StoredMedia } from "../src/media/MediaStore";

/**
 * What flows act through: domain services and the stores they need, built once in src/services.ts.
 * Flows call the domain's verbs (which check roles and write the ledger) and read through its
 * queries; no table is within their reach.
 */
export interface BotServices {
  clock: Clock;
  /** Who is writing, and each turn's conversation committed with its replies. */
  conversations: ConversationService;
  hazards: HazardService;
  /** What the hazard flows read: what waits on a person, one hazard, its photos, names. */
  hazardPicks: HazardPicks;
  /** 我的待办's 叫应. */
  owedCallouts: OwedCallouts;
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
  /** 值班, 到岗签到, 交接班; absent where the duty feature is not built (flow tests of other areas). */
  duty?: DutyService;
  /** 简报设置: a leader's own digest on/off and hour (absent where the digest feature is not built, e.g. some tests). */
  digests?: Pick<DigestService, "choice" | "setChoice" | "defaultHour">;
}
