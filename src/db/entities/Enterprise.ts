import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { OrgUnit } from "./OrgUnit";
import { Person } from "./Person";
import { bool, numeric, utcDatetime } from "../columns";
import type { EnterpriseScale, Industry, RiskLevel } from "../../domain/org/vocabulary";

/** A supervised enterprise or site, with its "三个责任人". */
@Entity("enterprises")
@Index("uq_enterprises_credit_code", ["creditCode"], { unique: true })
@Index("idx_enterprises_unit", ["supervisingUnitId"])
export class Enterprise {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** 统一社会信用代码 (18 characters); the key that imports match on. */
  @Column({ name: "credit_code", type: "varchar", length: 18 })
  creditCode: string;

  @Column({ type: "varchar", length: 200 })
  name: string;

  @Column({ type: "varchar", length: 32 })
  industry: Industry;

  @Column({ type: "varchar", length: 16 })
  scale: EnterpriseScale;

  @Column({ name: "risk_level", type: "varchar", length: 8 })
  riskLevel: RiskLevel;

  @Column({ type: "varchar", length: 255, nullable: true })
  address: string | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  longitude: number | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  latitude: number | null;

  @Column({ name: "supervising_unit_id", type: "integer" })
  supervisingUnitId: number;

  @ManyToOne(() => OrgUnit, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "supervising_unit_id" })
  supervisingUnit?: OrgUnit;

  /** 行政负责人: the town or county leader answerable for this enterprise. */
  @Column({ name: "admin_owner_id", type: "integer", nullable: true })
  adminOwnerId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "admin_owner_id" })
  adminOwner?: Person;

  /** 行业部门监管负责人: the department supervisor of its industry. */
  @Column({ name: "supervisor_owner_id", type: "integer", nullable: true })
  supervisorOwnerId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "supervisor_owner_id" })
  supervisorOwner?: Person;

  /** 企业单位负责人: the enterprise's own responsible person. */
  @Column({ name: "enterprise_owner_id", type: "integer", nullable: true })
  enterpriseOwnerId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "enterprise_owner_id" })
  enterpriseOwner?: Person;

  @Column({ type: "boolean", transformer: bool })
  active: boolean;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
