import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { HazardState } from "../../domain/hazards/vocabulary";
import { utcDatetime } from "../columns";
import { Hazard } from "./Hazard";
import { Person } from "./Person";

/** One line of a hazard's ledger (台账): who did what, when, why, and what changed. Never edited. */
@Entity("hazard_ledger")
@Index("idx_hazard_ledger_hazard", ["hazardId", "at"])
export class HazardLedgerEntry {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "hazard_id", type: "integer" })
  hazardId: number;

  @ManyToOne(() => Hazard, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "hazard_id" })
  hazard?: Hazard;

  @Column(utcDatetime)
  at: Date;

  /** Null when the system acted (a nudge step, an escalation). */
  @Column({ name: "actor_id", type: "integer", nullable: true })
  actorId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "actor_id" })
  actor?: Person;

  /** `report`, `assign`, `submit`, `verify`, `reject`, `close`, `reopen`, `extend`, `nudge:<step>` … */
  @Column({ type: "varchar", length: 32 })
  action: string;

  @Column({ name: "from_state", type: "varchar", length: 16, nullable: true })
  fromState: HazardState | null;

  @Column({ name: "to_state", type: "varchar", length: 16, nullable: true })
  toState: HazardState | null;

  @Column({ type: "text", nullable: true })
  reason: string | null;

  /** JSON of `{ before, after }` for the fields the action changed. */
  @Column({ type: "text", nullable: true })
  changes: string | null;
}
