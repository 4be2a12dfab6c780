import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import type { Lane } from "../../domain/outbox/lanes";

/** One message some part of the system wants sent; its recipients are `OutboxDelivery` rows. */
@Entity("outbox_messages")
@Index("uq_outbox_messages_key", ["idempotencyKey"], { unique: true })
@Index("idx_outbox_messages_source", ["source"])
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Chosen by the caller (e.g. `hazard:12:notify:3`); enqueueing a known key is a no-op. */
  @Column({ name: "idempotency_key", type: "varchar", length: 191 })
  idempotencyKey: string;

  @Column({ type: "varchar", length: 16 })
  lane: Lane;

  /** The channel-neutral `OutboundMessage` as JSON; never logged. */
  @Column({ type: "text" })
  payload: string;

  /** What caused it, e.g. `hazard:12` or `callout:7`, so a feature can ask how its messages fared. */
  @Column({ type: "varchar", length: 64, nullable: true })
  source: string | null;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;
}
