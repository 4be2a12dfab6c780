import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";

/**
 * A critical period (重要节点) that tightens duty rules: a holiday, flood season, a major event or a
 * red/orange warning. `unitId` null: the whole county; else that unit and below.
 */
@Entity("duty_critical_periods")
@Index("idx_duty_critical_periods_span", ["startsAt", "endsAt"])
@Index("uq_duty_critical_periods_source", ["source"], { unique: true })
export class DutyCriticalPeriod {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 16 })
  kind: string;

  @Column({ type: "varchar", length: 100 })
  name: string;

  @Column({ name: "unit_id", type: "integer", nullable: true })
  unitId: number | null;

  @Column({ name: "starts_at", ...utcDatetime })
  startsAt: Date;

  @Column({ name: "ends_at", ...utcDatetime })
  endsAt: Date;

  /** Where it came from, unique: `admin:<uuid>`, `warning:<id>`, `holiday:2026-10-01`. */
  @Column({ type: "varchar", length: 100 })
  source: string;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;
}
