import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { CaseKind, StepOutcome } from "../../domain/kernel/escalation/vocabulary";
import { utcDatetime } from "../columns";
import { Escalation } from "./Escalation";
import { Person } from "./Person";

/**
 * One step taken for one recipient of one run: written once, in the transaction that enqueues
 * the step's messages. The unique (run, recipient, step) key — the run standing for its case kind,
 * case and anchor — is the exactly-once guarantee: a second tick or instance fails on it and
 * rolls its messages back.
 */
@Entity("escalation_steps")
@Index("uq_escalation_steps_step", ["escalationId", "recipientId", "step"], { unique: true })
@Index("idx_escalation_steps_case", ["caseKind", "caseId"])
export class EscalationStep {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "escalation_id", type: "integer" })
  escalationId: number;

  @ManyToOne(() => Escalation, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "escalation_id" })
  escalation?: Escalation;

  @Column({ name: "case_kind", type: "varchar", length: 16 })
  caseKind: CaseKind;

  @Column({ name: "case_id", type: "integer" })
  caseId: number;

  /** The case's own recipient row (a 叫应 recipient), or 0 for a step of the case as a whole. */
  @Column({ name: "recipient_id", type: "integer" })
  recipientId: number;

  /** The policy step's key: `reminder`, `notice`, `send`, `remind:2`, `escalate`, `report`, … */
  @Column({ type: "varchar", length: 32 })
  step: string;

  /** When it was taken (the tick's time). */
  @Column({ name: "taken_at", ...utcDatetime })
  takenAt: Date;

  /** `sent`, or `skipped`: recorded without a message because a later step superseded it. */
  @Column({ type: "varchar", length: 16 })
  outcome: StepOutcome;

  /** For an escalation to a person (a superior called in): whom; null when there was none. */
  @Column({ name: "target_person_id", type: "integer", nullable: true })
  targetPersonId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "target_person_id" })
  targetPerson?: Person;
}
