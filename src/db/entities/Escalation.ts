import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type { CaseKind, RunState } from "../../domain/kernel/escalation/vocabulary";
import { utcDatetime } from "../columns";

/**
 * One run of an escalation policy on one case (a hazard's deadline, a 叫应 campaign, later a duty
 * shift), in the manner of Grafana OnCall's escalation snapshot: the policy is copied onto the
 * run when it starts, so a later change of configuration leaves running cases as they were. The
 * unique (kind, case, anchor) key makes a start happen once; a moved anchor (an extended
 * deadline) is a new run, and the old one is dropped as stale.
 */
@Entity("escalations")
@Index("uq_escalations_case", ["caseKind", "caseId", "anchorAt"], { unique: true })
@Index("idx_escalations_due", ["caseKind", "nextActionAt"])
export class Escalation {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "case_kind", type: "varchar", length: 16 })
  caseKind: CaseKind;

  @Column({ name: "case_id", type: "integer" })
  caseId: number;

  /** The instant the policy's offsets count from: a deadline, a send time, a shift's start. */
  @Column({ name: "anchor_at", ...utcDatetime })
  anchorAt: Date;

  /**
   * The policy as it was when the run started (JSON of EscalationPolicy). Null only on runs
   * carried over from before the engine: the first tick that takes them copies the policy then.
   */
  @Column({ type: "text", nullable: true })
  policy: string | null;

  @Column({ type: "varchar", length: 16 })
  state: RunState;

  /** When the tick next has work for the run; null once it has none (done, dropped, cancelled). */
  @Column({ name: "next_action_at", ...utcDatetime, nullable: true })
  nextActionAt: Date | null;

  @Column({ name: "started_at", ...utcDatetime })
  startedAt: Date;

  @Column({ name: "ended_at", ...utcDatetime, nullable: true })
  endedAt: Date | null;
}
