import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";

/** 换班: the person on a shift asks a colleague to serve it; accepted, the shift's server changes. */
@Entity("duty_swaps")
@Index("idx_duty_swaps_to", ["toPersonId", "state"])
export class DutySwap {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "shift_id", type: "integer" })
  shiftId: number;

  @Column({ name: "from_person_id", type: "integer" })
  fromPersonId: number;

  @Column({ name: "to_person_id", type: "integer" })
  toPersonId: number;

  /** asked → accepted | declined | withdrawn */
  @Column({ type: "varchar", length: 16 })
  state: "asked" | "accepted" | "declined" | "withdrawn";

  @Column({ name: "asked_at", ...utcDatetime })
  askedAt: Date;

  @Column({ name: "answered_at", ...utcDatetime, nullable: true })
  answeredAt: Date | null;
}
