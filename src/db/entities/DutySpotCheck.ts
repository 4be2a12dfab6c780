import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";

/**
 * A spot check (查岗) of a shift: a card the person on duty must answer by `dueAt`. Its chasing
 * is an escalation run of kind `duty_check` anchored on `sentAt`.
 */
@Entity("duty_spot_checks")
@Index("idx_duty_spot_checks_shift", ["shiftId"])
export class DutySpotCheck {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "shift_id", type: "integer" })
  shiftId: number;

  /** The duty leader or API caller who asked; null for a scheduled random check. */
  @Column({ name: "requested_by_id", type: "integer", nullable: true })
  requestedById: number | null;

  @Column({ name: "sent_at", ...utcDatetime })
  sentAt: Date;

  @Column({ name: "due_at", ...utcDatetime })
  dueAt: Date;

  @Column({ name: "answered_at", ...utcDatetime, nullable: true })
  answeredAt: Date | null;
}
