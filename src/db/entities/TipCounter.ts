import { Column, Entity, PrimaryColumn } from "typeorm";

/** The last tip number given out in a year (Asia/Shanghai); incremented inside the tip's transaction. */
@Entity("tip_counters")
export class TipCounter {
  @PrimaryColumn({ type: "integer" })
  year: number;

  @Column({ name: "last_seq", type: "integer" })
  lastSeq: number;
}
