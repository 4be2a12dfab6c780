import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { bool } from "../columns";

/** 日周月: how many check-ins a role owes per period (editable data; the migration writes the seeds' defaults). */
@Entity("quota_rules")
@Index("uq_quota_rules_role_period", ["role", "period"], { unique: true })
export class QuotaRule {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** A role code (src/domain/org/vocabulary.ts). */
  @Column({ type: "varchar", length: 32 })
  role: string;

  /** `week`, `month` or `half_year` (January–June, July–December). */
  @Column({ type: "varchar", length: 12 })
  period: string;

  @Column({ type: "integer" })
  required: number;

  /** Only check-ins of this kind count (e.g. `enforcement`); null: any kind. */
  @Column({ name: "inspection_kind", type: "varchar", length: 16, nullable: true })
  inspectionKind: string | null;

  /** Counts distinct enterprises the person answers for (行政/行业部门监管负责人), not check-ins. */
  @Column({ name: "own_enterprises", type: "boolean", transformer: bool })
  ownEnterprises: boolean;

  /** Every one of the person's own enterprises, each at least once (the half-year rule): `required` is their number. */
  @Column({ name: "each_enterprise", type: "boolean", transformer: bool })
  eachEnterprise: boolean;
}
