import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import type { RewardState, TipChannel, TipResult, TipSource, TipState } from "../../domain/tips/vocabulary";
import { numeric, utcDatetime } from "../columns";
import { Enterprise } from "./Enterprise";
import { Person } from "./Person";

/**
 * A tip (举报). Who tipped is never in a plain column: their identity is sealed (AES-256-GCM) in
 * `reporter_sealed`, handlers see only `pseudonym`, and the tipster finds their own tips through
 * `reporter_lookup`, a keyed hash that names nobody without the key.
 */
@Entity("tips")
@Index("uq_tips_number", ["number"], { unique: true })
@Index("uq_tips_year_seq", ["year", "seq"], { unique: true })
@Index("idx_tips_state_due", ["state", "dueAt"])
@Index("idx_tips_handler", ["handlerId"])
@Index("idx_tips_reporter_lookup", ["reporterLookup"])
@Index("idx_tips_reported", ["reportedAt"])
export class Tip {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** `JB2026-000123`: gap-free per year (Asia/Shanghai). */
  @Column({ type: "varchar", length: 20 })
  number: string;

  @Column({ type: "integer" })
  year: number;

  @Column({ type: "integer" })
  seq: number;

  @Column({ type: "varchar", length: 16 })
  source: TipSource;

  @Column({ type: "varchar", length: 16 })
  channel: TipChannel;

  @Column({ type: "varchar", length: 16 })
  state: TipState;

  /** What the tipster says happened, in their words. */
  @Column({ type: "text" })
  content: string;

  /** The enterprise the tip is about, when the tipster picked one. */
  @Column({ name: "enterprise_id", type: "integer", nullable: true })
  enterpriseId: number | null;

  @ManyToOne(() => Enterprise, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "enterprise_id" })
  enterprise?: Enterprise;

  /** Where, in words (a place, or the name of an enterprise not in the directory). */
  @Column({ name: "location_text", type: "varchar", length: 255, nullable: true })
  locationText: string | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  latitude: number | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  longitude: number | null;

  /** `举报人-7K3F`: random per tip, what handlers and notices call the tipster. */
  @Column({ type: "varchar", length: 16 })
  pseudonym: string;

  /** The tipster's identity, AES-256-GCM under TIP_IDENTITY_KEY, bound to the tip's number; null when anonymous. */
  @Column({ name: "reporter_sealed", type: "text", nullable: true })
  reporterSealed: string | null;

  /** Fingerprint of the key that sealed the identity, so a different key is named as such, not misread. */
  @Column({ name: "identity_key_id", type: "varchar", length: 16, nullable: true })
  identityKeyId: string | null;

  /** HMAC of the tipster's person id under a key derived from TIP_IDENTITY_KEY: "我的举报" without a plain id. */
  @Column({ name: "reporter_lookup", type: "varchar", length: 64, nullable: true })
  reporterLookup: string | null;

  /** Who verifies the tip (核查人); sees the pseudonym only. */
  @Column({ name: "handler_id", type: "integer", nullable: true })
  handlerId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "handler_id" })
  handler?: Person;

  /** 办理时限 the tip officer set when accepting ("限期办理"). */
  @Column({ name: "due_at", ...utcDatetime, nullable: true })
  dueAt: Date | null;

  @Column({ type: "varchar", length: 16, nullable: true })
  result: TipResult | null;

  /** The closing note (what verification found) or why the tip was not accepted. */
  @Column({ type: "text", nullable: true })
  resolution: string | null;

  @Column({ name: "reward_state", type: "varchar", length: 8, nullable: true })
  rewardState: RewardState | null;

  /** 奖励金额 in whole yuan. */
  @Column({ name: "reward_amount", type: "integer", nullable: true })
  rewardAmount: number | null;

  @Column({ name: "reward_paid_at", ...utcDatetime, nullable: true })
  rewardPaidAt: Date | null;

  @Column({ name: "reported_at", ...utcDatetime })
  reportedAt: Date;

  @Column({ name: "accepted_at", ...utcDatetime, nullable: true })
  acceptedAt: Date | null;

  @Column({ name: "closed_at", ...utcDatetime, nullable: true })
  closedAt: Date | null;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;

  /** Compare-and-set: two officers acting on one tip at once, one wins. */
  @VersionColumn({ type: "integer" })
  version: number;
}
