import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { bool, utcDatetime } from "../columns";
import { Person } from "./Person";

/**
 * One digest sent to one leader for one Shanghai day. The unique key is the exactly-once
 * guarantee: the row is written in the same transaction as the outbox message, so a second tick,
 * a second instance or a restart cannot send the same day's digest again.
 */
@Entity("digests")
@Index("uq_digests_person_day", ["personId", "day", "kind"], { unique: true })
export class Digest {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "person_id", type: "integer" })
  personId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  /** `2026-03-02`, the Shanghai day the digest is for. */
  @Column({ type: "varchar", length: 10 })
  day: string;

  /** `daily` (每日简报) or `weekly` (周调度). */
  @Column({ type: "varchar", length: 8 })
  kind: string;

  /** When it was due (the leader's hour that day). */
  @Column({ name: "due_at", ...utcDatetime })
  dueAt: Date;

  /** When the tick enqueued it. */
  @Column({ name: "sent_at", ...utcDatetime })
  sentAt: Date;

  /** Enqueued well after its hour (a missed tick, a restart): the text says 迟发. */
  @Column({ type: "boolean", transformer: bool })
  late: boolean;

  @Column({ name: "outbox_message_id", type: "integer", nullable: true })
  outboxMessageId: number | null;

  /** UTF-8 size of the text sent. */
  @Column({ type: "integer" })
  bytes: number;
}
