import { Column, Entity, PrimaryColumn } from "typeorm";

/** 分级监管: how often an enterprise of a risk colour must be inspected, in months (editable data). */
@Entity("inspection_frequencies")
export class InspectionFrequency {
  /** `red`, `orange`, `yellow`, `blue`. */
  @PrimaryColumn({ name: "risk_level", type: "varchar", length: 8 })
  riskLevel: string;

  @Column({ type: "integer" })
  months: number;
}
