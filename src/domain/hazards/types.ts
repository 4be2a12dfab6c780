import type { ChannelId } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Config } from "../../config";
import type { Database } from "../../db/Database";
import type { OutboxService } from "../outbox";
import type { HazardLevel, HazardSource } from "./vocabulary";

/** What HazardService is built from. */
export interface HazardServiceDeps {
  db: Database;
  outbox: Pick<OutboxService, "enqueue">;
  clock: Clock;
  config: Pick<Config["hazards"], "repeatWindowDays">;
  /** Enabled channels in order of preference, for notices to people. */
  channels: readonly ChannelId[];
}

/** Where a free-location hazard is: text, coordinates, and optionally the unit the reporter says covers it. */
export interface HazardPlace {
  locationText: string;
  latitude?: number | null;
  longitude?: number | null;
  unitId?: number | null;
}

/** A new hazard, as the reporter describes it. */
export interface ReportInput {
  source: HazardSource;
  /** Either an enterprise … */
  enterpriseId?: number | null;
  /** … or a free location (exactly one of the two). */
  place?: HazardPlace | null;
  /** Industry checklist category, e.g. `消防通道堵塞`. */
  category: string;
  level: HazardLevel;
  description: string;
  /** Storage keys of photos already saved to the media store (stage `before`). */
  photoKeys?: readonly string[];
  /** Makes the call idempotent: the same key again returns what the first call created (e.g. a chat turn replayed). */
  requestKey?: string;
}

/** Fields every change to an existing hazard carries. */
export interface ChangeInput {
  /** The version the caller saw; a different current version is refused as a concurrent change. */
  expectedVersion?: number;
  /** Makes the call idempotent: the same key again returns what the first call created (e.g. a chat turn replayed). */
  requestKey?: string;
}

/** 交办: the "五落实". */
export interface AssignInput extends ChangeInput {
  /** 责任人; defaults to the routed owner. */
  ownerId?: number | null;
  measures?: string | null;
  funds?: string | null;
  deadline?: Date | null;
  contingencyPlan?: string | null;
  /** Who will 复查; never the owner. Defaults to the supervisor (or the assigner) when they may verify. */
  verifierId?: number | null;
}

/** 整改反馈: after-photos and a note. */
export interface SubmitInput extends ChangeInput {
  note: string;
  photoKeys: readonly string[];
}

/** A reason, required for rejecting and reopening. */
export interface ReasonInput extends ChangeInput {
  reason: string;
}

/** 即知即改: proof photos and what was done. */
export interface FixOnSpotInput extends ChangeInput {
  note: string;
  photoKeys: readonly string[];
}

/** 转交 of a new hazard to another office, squad or town, with why. */
export interface TransferInput extends ChangeInput {
  unitId: number;
  reason: string;
}

/** An approved deadline extension. */
export interface ExtendInput extends ChangeInput {
  deadline: Date;
  reason: string;
  /** Who approved; defaults to the actor. Must hold an approver role. */
  approverId?: number | null;
}
