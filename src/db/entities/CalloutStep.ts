import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import { Callout } from "./Callout";
import { CalloutRecipient } from "./CalloutRecipient";
import { Person } from "./Person";

/**
 * One step taken for one recipient: `send`, `remind:k`, `escalate`, `report`. The unique key is
 * the exactly-once guarantee: it is written in the transaction that enqueues the step's messages,
 * so a second tick or instance fails on it and rolls its messages back.
 */
@Entity("callout_steps")
@Index("uq_callout_steps_step", ["calloutId", "recipientId", "step"], { unique: true })
export class CalloutStep {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "callout_id", type: "integer" })
  calloutId: number;

  @ManyToOne(() => Callout, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "callout_id" })
  callout?: Callout;

  @Column({ name: "recipient_id", type: "integer" })
  recipientId: number;

  @ManyToOne(() => CalloutRecipient, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "recipient_id" })
  recipient?: CalloutRecipient;

  @Column({ type: "varchar", length: 16 })
  step: string;

  @Column(utcDatetime)
  at: Date;

  /** For `escalate`: the superior called in (null when there was none to call). */
  @Column({ name: "target_person_id", type: "integer", nullable: true })
  targetPersonId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "target_person_id" })
  targetPerson?: Person;
}
