import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { bool, numeric, utcDatetime } from "../columns";
import { Hazard } from "./Hazard";
import { OrgUnit } from "./OrgUnit";
import { Person } from "./Person";
import { Tip } from "./Tip";

/** A category a public tip is filed under (code, name, hint); administrators edit them. */
@Entity("tip_categories")
export class TipCategory {
  @PrimaryColumn({ type: "varchar", length: 32 })
  code: string;

  @Column({ type: "varchar", length: 50 })
  name: string;

  @Column({ type: "varchar", length: 200 })
  hint: string;

  @Column({ name: "sort_order", type: "integer" })
  sortOrder: number;

  @Column({ type: "boolean", transformer: bool })
  active: boolean;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}

/**
 * What a tip from the public has besides the tip: the tracking code the tipster reads out, the
 * hash of their secret token (the token itself is shown once, never stored), the category, the
 * unit it was routed to, its deadlines and the feedback the public sees. Nothing names the tipster.
 */
@Entity("public_tips")
@Index("uq_public_tips_code", ["trackingCode"], { unique: true })
@Index("idx_public_tips_verification_due", ["verificationDueAt"])
export class PublicTip {
  @PrimaryColumn({ name: "tip_id", type: "integer" })
  tipId: number;

  @ManyToOne(() => Tip, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "tip_id" })
  tip?: Tip;

  /** `JB7K2M9Q`: short, no look-alike characters. */
  @Column({ name: "tracking_code", type: "varchar", length: 8 })
  trackingCode: string;

  /** Keyed hash of the secret query token. */
  @Column({ name: "token_hash", type: "varchar", length: 64 })
  tokenHash: string;

  @Column({ name: "category_code", type: "varchar", length: 32 })
  categoryCode: string;

  /** The unit whose tip officers it was routed to; null when the place matched no unit (all officers). */
  @Column({ name: "unit_id", type: "integer", nullable: true })
  unitId: number | null;

  @ManyToOne(() => OrgUnit, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "unit_id" })
  unit?: OrgUnit;

  /** By when verification should end (PUBLIC_TIP_VERIFY_DAYS after the report). */
  @Column({ name: "verification_due_at", ...utcDatetime })
  verificationDueAt: Date;

  /** By when the tipster must be told the outcome (PUBLIC_TIP_FEEDBACK_DAYS after verification ended). */
  @Column({ name: "feedback_due_at", ...utcDatetime, nullable: true })
  feedbackDueAt: Date | null;

  /** Which deadline nudges have gone out (`verify_due,verify_overdue,…`), so each goes once. */
  @Column({ type: "varchar", length: 64, nullable: true })
  nudged: string | null;

  /** What the public is told, written by staff; null until written. */
  @Column({ name: "public_feedback", type: "text", nullable: true })
  publicFeedback: string | null;

  @Column({ name: "feedback_at", ...utcDatetime, nullable: true })
  feedbackAt: Date | null;

  /** The payment's reference (bank slip number) once the reward is paid. */
  @Column({ name: "reward_reference", type: "varchar", length: 64, nullable: true })
  rewardReference: string | null;
}

/** A photo the public sent, stored once however often it is sent; its EXIF position is for staff only. */
@Entity("public_tip_photos")
export class PublicTipPhoto {
  @PrimaryColumn({ type: "varchar", length: 64 })
  sha256: string;

  @Column({ name: "storage_key", type: "varchar", length: 128 })
  storageKey: string;

  @Column({ type: "double", nullable: true, transformer: numeric })
  latitude: number | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  longitude: number | null;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;
}

/** A substantiated tip turned into a hazard (转为隐患): the link, readable from the tip and from the hazard. */
@Entity("tip_hazards")
@Index("uq_tip_hazards_hazard", ["hazardId"], { unique: true })
export class TipHazard {
  @PrimaryColumn({ name: "tip_id", type: "integer" })
  tipId: number;

  @ManyToOne(() => Tip, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "tip_id" })
  tip?: Tip;

  @Column({ name: "hazard_id", type: "integer" })
  hazardId: number;

  @ManyToOne(() => Hazard, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "hazard_id" })
  hazard?: Hazard;

  @Column({ name: "linked_by", type: "integer" })
  linkedBy: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "linked_by" })
  linker?: Person;

  @Column({ name: "linked_at", ...utcDatetime })
  linkedAt: Date;
}
