import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";

/** Where an inbound event is in its processing. */
export type InboundStatus = "pending" | "processing" | "done" | "failed";

/**
 * One inbound event from any channel, stored before the platform gets its answer so a crash after
 * answering loses nothing. The unique (channel, event_key) is the de-duplication of last resort.
 */
@Entity("inbound_events")
@Index("uq_inbound_events_key", ["channel", "eventKey"], { unique: true })
@Index("idx_inbound_events_due", ["status", "nextAttemptAt"])
export class InboundEventRow {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 16 })
  channel: string;

  /** The platform's de-duplication key (`InboundEvent.eventId`). */
  @Column({ name: "event_key", type: "varchar", length: 128 })
  eventKey: string;

  @Column({ type: "varchar", length: 32 })
  kind: string;

  @Column({ name: "sender_id", type: "varchar", length: 128 })
  senderId: string;

  /** The `InboundEvent` as JSON. */
  @Column({ type: "text" })
  payload: string;

  @Column({ type: "varchar", length: 16 })
  status: InboundStatus;

  @Column({ type: "integer", default: 0 })
  attempts: number;

  @Column({ name: "received_at", ...utcDatetime })
  receivedAt: Date;

  @Column({ name: "processed_at", ...utcDatetime, nullable: true })
  processedAt: Date | null;

  /**
   * When the redrive job may next pick the row up: the grace for the first dispatch, the lease of a
   * run in progress, or the back-off after a failure. Null once done or given up.
   */
  @Column({ name: "next_attempt_at", ...utcDatetime, nullable: true })
  nextAttemptAt: Date | null;

  @Column({ name: "last_error", type: "varchar", length: 500, nullable: true })
  lastError: string | null;
}
