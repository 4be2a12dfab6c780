import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { NudgeStep } from "../../domain/hazards/nudges/ladder";
import { bool, utcDatetime } from "../columns";
import { Hazard } from "./Hazard";

/**
 * One step of the overdue ladder taken for one hazard and one deadline. The unique key is what
 * makes each step happen exactly once: a second tick or a second instance cannot insert it again,
 * and a deadline moved by an extension starts a fresh set of keys.
 */
@Entity("hazard_nudges")
@Index("uq_hazard_nudges_step", ["hazardId", "step", "deadline"], { unique: true })
export class HazardNudge {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "hazard_id", type: "integer" })
  hazardId: number;

  @ManyToOne(() => Hazard, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "hazard_id" })
  hazard?: Hazard;

  /** `reminder`, `notice` (提醒单), `order` (督办单), `listed` (挂牌督办). */
  @Column({ type: "varchar", length: 16 })
  step: NudgeStep;

  /** The deadline the step was computed from (UTC). */
  @Column(utcDatetime)
  deadline: Date;

  /** When the step was taken (the tick's time). */
  @Column({ name: "sent_at", ...utcDatetime })
  sentAt: Date;

  /** True when the step was recorded without a message because a later step superseded it. */
  @Column({ type: "boolean", transformer: bool })
  skipped: boolean;
}
