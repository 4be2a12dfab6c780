import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { CalloutState, WarningLevel, WarningType } from "../../domain/callouts/vocabulary";
import { bool, utcDatetime } from "../columns";
import { Person } from "./Person";

/** A 叫应 campaign: one warning that every named recipient must answer. */
@Entity("callouts")
@Index("idx_callouts_state_deadline", ["state", "deadlineAt"])
@Index("idx_callouts_sent", ["sentAt"])
export class Callout {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 100 })
  title: string;

  @Column({ type: "text" })
  text: string;

  @Column({ name: "warning_type", type: "varchar", length: 16 })
  warningType: WarningType;

  @Column({ type: "varchar", length: 8 })
  level: WarningLevel;

  @Column({ name: "initiator_id", type: "integer" })
  initiatorId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "initiator_id" })
  initiator?: Person;

  @Column({ type: "varchar", length: 16 })
  state: CalloutState;

  /** Stage two: each recipient must also report the measures taken. */
  @Column({ name: "requires_report", type: "boolean", transformer: bool })
  requiresReport: boolean;

  /** Minutes from sending to the deadline (from the level unless the initiator chose). */
  @Column({ name: "answer_minutes", type: "integer" })
  answerMinutes: number;

  @Column({ name: "remind_every_minutes", type: "integer" })
  remindEveryMinutes: number;

  @Column({ name: "max_reminders", type: "integer" })
  maxReminders: number;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "sent_at", ...utcDatetime, nullable: true })
  sentAt: Date | null;

  @Column({ name: "deadline_at", ...utcDatetime, nullable: true })
  deadlineAt: Date | null;

  @Column({ name: "closed_at", ...utcDatetime, nullable: true })
  closedAt: Date | null;
}
