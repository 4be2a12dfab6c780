import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import { OutboxMessage } from "./OutboxMessage";
import type { ChannelId } from "../../channels/channel";
import type { DeliveryStatus, Lane } from "../../domain/outbox/lanes";

/** One recipient of one outbox message, with where its delivery stands (pending → sent | invalid | failed). */
@Entity("outbox_deliveries")
@Index("uq_outbox_deliveries_recipient", ["messageId", "channel", "recipient"], { unique: true })
@Index("idx_outbox_deliveries_due", ["status", "priority", "nextAttemptAt"])
export class OutboxDelivery {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "message_id", type: "integer" })
  messageId: number;

  @ManyToOne(() => OutboxMessage, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "message_id" })
  message?: OutboxMessage;

  /** Null only for a person with no usable platform account, recorded as failed. */
  @Column({ type: "varchar", length: 16, nullable: true })
  channel: ChannelId | null;

  /** The platform user id (or `person:<id>` when there is none). */
  @Column({ type: "varchar", length: 64 })
  recipient: string;

  @Column({ name: "person_id", type: "integer", nullable: true })
  personId: number | null;

  @Column({ type: "varchar", length: 16 })
  lane: Lane;

  /** LANE_PRIORITY of `lane`: the claim query orders by it. */
  @Column({ type: "integer" })
  priority: number;

  @Column({ type: "varchar", length: 16 })
  status: DeliveryStatus;

  /** Send calls that named this recipient, counted when claimed so a crash still counts. */
  @Column({ type: "integer" })
  attempts: number;

  @Column({ name: "next_attempt_at", ...utcDatetime })
  nextAttemptAt: Date;

  /**
   * Retried until this instant rather than for `OUTBOX_MAX_ATTEMPTS` (a 叫应 card: its campaign's
   * deadline); still pending at it, the delivery fails as `expired`. Null: the attempt count bounds it.
   */
  @Column({ name: "give_up_at", ...utcDatetime, nullable: true })
  giveUpAt: Date | null;

  /** While `sending`: the claim's lease; after it another worker may take the row over. */
  @Column({ name: "claimed_until", ...utcDatetime, nullable: true })
  claimedUntil: Date | null;

  /** Which claim holds the row, so a worker whose lease ran out cannot overwrite a newer result. */
  @Column({ name: "claimed_by", type: "varchar", length: 64, nullable: true })
  claimedBy: string | null;

  @Column({ name: "platform_msg_id", type: "varchar", length: 128, nullable: true })
  platformMsgId: string | null;

  /** WeChat Work's `response_code`: the one-time credential to update a sent card. */
  @Column({ name: "response_code", type: "varchar", length: 512, nullable: true })
  responseCode: string | null;

  /** Machine-readable cause of the last failure: a platform code, `timeout`, `channel_disabled`, … */
  @Column({ name: "error_code", type: "varchar", length: 32, nullable: true })
  errorCode: string | null;

  /** The last failure in words, for people reading the ledger. */
  @Column({ name: "last_error", type: "varchar", length: 500, nullable: true })
  lastError: string | null;

  @Column({ name: "sent_at", ...utcDatetime, nullable: true })
  sentAt: Date | null;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
