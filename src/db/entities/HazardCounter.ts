import { Column, Entity, PrimaryColumn } from "typeorm";

/** The last hazard number given out in a year (Asia/Shanghai); incremented inside the reporting transaction. */
@Entity("hazard_counters")
export class HazardCounter {
  @PrimaryColumn({ type: "integer" })
  year: number;

  @Column({ name: "last_seq", type: "integer" })
  lastSeq: number;
}
