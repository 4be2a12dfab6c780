import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";

/**
 * The duty log (值班日志): one line per thing that happened on a shift — confirmed, checked in,
 * spot check sent / answered / missed, handover written, swap accepted.
 */
@Entity("duty_log")
@Index("idx_duty_log_unit_at", ["unitId", "at"])
@Index("idx_duty_log_shift", ["shiftId"])
export class DutyLogEntry {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "shift_id", type: "integer" })
  shiftId: number;

  @Column({ name: "unit_id", type: "integer" })
  unitId: number;

  @Column({ name: "person_id", type: "integer", nullable: true })
  personId: number | null;

  @Column({ type: "varchar", length: 24 })
  kind: string;

  @Column({ ...utcDatetime })
  at: Date;

  @Column({ type: "varchar", length: 1000 })
  text: string;
}
