import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { RecipientState } from "../../domain/callouts/vocabulary";
import { bool, utcDatetime } from "../columns";
import { Callout } from "./Callout";
import { Person } from "./Person";

/** One person called by one campaign, with where their answer stands. */
@Entity("callout_recipients")
@Index("uq_callout_recipients_person", ["calloutId", "personId"], { unique: true })
@Index("idx_callout_recipients_due", ["nextActionAt"])
@Index("idx_callout_recipients_person", ["personId"])
export class CalloutRecipient {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "callout_id", type: "integer" })
  calloutId: number;

  @ManyToOne(() => Callout, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "callout_id" })
  callout?: Callout;

  @Column({ name: "person_id", type: "integer" })
  personId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  @Column({ type: "varchar", length: 16 })
  state: RecipientState;

  /** The recipient row whose silence called this superior in. */
  @Column({ name: "escalated_from", type: "integer", nullable: true })
  escalatedFrom: number | null;

  @ManyToOne(() => CalloutRecipient, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "escalated_from" })
  escalatedFromRow?: CalloutRecipient;

  /** When this person's card was enqueued; time to answer counts from here. */
  @Column({ name: "sent_at", ...utcDatetime, nullable: true })
  sentAt: Date | null;

  @Column({ name: "acknowledged_at", ...utcDatetime, nullable: true })
  acknowledgedAt: Date | null;

  /** `wecom:card`, `wecom:text`, …: how the answer came. */
  @Column({ name: "ack_channel", type: "varchar", length: 32, nullable: true })
  ackChannel: string | null;

  /** The button key or the words typed. */
  @Column({ name: "ack_content", type: "varchar", length: 255, nullable: true })
  ackContent: string | null;

  @Column({ name: "reported_at", ...utcDatetime, nullable: true })
  reportedAt: Date | null;

  @Column({ name: "report_text", type: "text", nullable: true })
  reportText: string | null;

  /** Chose 已落实措施 and owes the short report text. */
  @Column({ name: "awaiting_report", type: "boolean", transformer: bool })
  awaitingReport: boolean;

  @Column({ name: "reminders_sent", type: "integer" })
  remindersSent: number;

  /** When the tick next has work for this row (send, remind, escalate); null when none. */
  @Column({ name: "next_action_at", ...utcDatetime, nullable: true })
  nextActionAt: Date | null;

  /** Answered after the campaign's deadline. */
  @Column({ type: "boolean", transformer: bool })
  late: boolean;
}
