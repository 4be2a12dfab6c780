import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { WarningLevel } from "../../domain/callouts/vocabulary";
import type { WarningMsgType, WarningOutcome } from "../../domain/warnings/identity";
import { utcDatetime } from "../columns";
import { Callout } from "./Callout";
import { Person } from "./Person";

/**
 * A warning message received with an identifier (CAP, or JSON naming one) and what it did. The
 * unique (sender, identifier) makes a repeat a no-op that answers with the first one's callout;
 * `root_id` ties updates and cancellations to the alert their chain began with.
 */
@Entity("warning_messages")
@Index("uq_warning_messages_identifier", ["sender", "identifier"], { unique: true })
export class WarningMessage {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** CAP `<sender>`; `json:` and the client's sender for the JSON form. */
  @Column({ type: "varchar", length: 191 })
  sender: string;

  @Column({ type: "varchar", length: 191 })
  identifier: string;

  @Column({ name: "msg_type", type: "varchar", length: 16 })
  msgType: WarningMsgType;

  /** The level it announced; null for a cancellation. */
  @Column({ type: "varchar", length: 8, nullable: true })
  level: WarningLevel | null;

  /** The first message of this warning's chain; null for that message itself. */
  @Column({ name: "root_id", type: "integer", nullable: true })
  rootId: number | null;

  @ManyToOne(() => WarningMessage, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "root_id" })
  root?: WarningMessage;

  /** The campaign it started, or the one it updated or cancelled. */
  @Column({ name: "callout_id", type: "integer", nullable: true })
  calloutId: number | null;

  @ManyToOne(() => Callout, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "callout_id" })
  callout?: Callout;

  @Column({ type: "varchar", length: 16 })
  outcome: WarningOutcome;

  /** The duty officer whose token posted it. */
  @Column({ name: "received_by", type: "integer" })
  receivedBy: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "received_by" })
  receiver?: Person;

  @Column({ name: "received_at", ...utcDatetime })
  receivedAt: Date;
}
