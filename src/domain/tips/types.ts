import type { ChannelId } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { MediaStore } from "../../media/MediaStore";
import type { OutboxService } from "../outbox";
import type { TipKeys } from "./keys";
import type { TipResult } from "./vocabulary";

/** What TipService is built from. */
export interface TipServiceDeps {
  db: Database;
  outbox: Pick<OutboxService, "enqueue">;
  clock: Clock;
  /** Derived from TIP_IDENTITY_KEY (see `loadTipKeys`). */
  keys: TipKeys;
  /** Enabled channels in order of preference, for notices to staff. */
  channels: readonly ChannelId[];
  /** Where the public's photos go; public tips are refused without it. */
  media?: MediaStore;
  /** Deadlines and limits of public tips (`config.tips.public`); defaults when absent. */
  publicTips?: PublicTipSettings;
}

/** Where a tip points, when not at an enterprise in the directory. */
export interface TipPlace {
  locationText?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** A tip as the tipster gives it. */
export interface ReportTipInput {
  /** What happened, in the tipster's words. */
  content: string;
  /** The enterprise it is about, if they picked one … */
  enterpriseId?: number | null;
  /** … and/or where. */
  place?: TipPlace | null;
  /** Storage keys of photos already in the media store. */
  photoKeys?: readonly string[];
  /** Makes the call idempotent: the same key again returns what the first call created (e.g. a chat turn replayed). */
  requestKey?: string;
}

/** Fields every change to a tip carries. */
export interface TipChangeInput {
  /** The version the caller saw; a different current version is refused as a concurrent change. */
  expectedVersion?: number;
}

/** 受理: who verifies (default: the officer) and by when (限期办理, optional). */
export interface AcceptTipInput extends TipChangeInput {
  handlerId?: number | null;
  dueAt?: Date | null;
}

/** 改派: another handler, and optionally a new 办理时限. */
export interface AssignTipInput extends TipChangeInput {
  handlerId: number;
  dueAt?: Date | null;
}

/** 办结: what verification found. */
export interface CloseTipInput extends TipChangeInput {
  result: TipResult;
  note: string;
}

/** 不予受理, with the reason. */
export interface RejectTipInput extends TipChangeInput {
  reason: string;
}

/** 奖励兑现: the payment's reference (bank slip, voucher number), if any. */
export interface RewardPaidInput extends TipChangeInput {
  reference?: string | null;
}

/** 决定奖励 for a substantiated tip, in whole yuan. */
export interface RewardTipInput extends TipChangeInput {
  amount: number;
}

/** How public tips are handled: `config.tips.public`. */
export interface PublicTipSettings {
  /** Days from the report by which verification should end (PUBLIC_TIP_VERIFY_DAYS). */
  verifyDays: number;
  /** Days from the end of verification by which the tipster must be told (PUBLIC_TIP_FEEDBACK_DAYS). */
  feedbackDays: number;
  /** Largest photo taken, in bytes. */
  photoMaxBytes: number;
}

export const DEFAULT_PUBLIC_TIP_SETTINGS: PublicTipSettings = { verifyDays: 15, feedbackDays: 10, photoMaxBytes: 10 * 1024 * 1024 };
