import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import type { UnitKind } from "../../domain/org/vocabulary";

/** A node of the county's organisation tree: 县局 → 科室/执法中队/镇街 → 村（社区）. */
@Entity("org_units")
@Index("uq_org_units_code", ["code"], { unique: true })
@Index("idx_org_units_path", ["path"])
export class OrgUnit {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** The administrator's own code for the unit; the key that imports match on. */
  @Column({ type: "varchar", length: 64 })
  code: string;

  @Column({ type: "varchar", length: 100 })
  name: string;

  @Column({ type: "varchar", length: 20 })
  kind: UnitKind;

  @Column({ name: "parent_id", type: "integer", nullable: true })
  parentId: number | null;

  @ManyToOne(() => OrgUnit, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "parent_id" })
  parent?: OrgUnit;

  /** Ancestor ids as `/1/4/17/`, so "this unit and everything below" is one LIKE query. */
  @Column({ type: "varchar", length: 255 })
  path: string;

  /** The WeChat Work department this unit mirrors; set by contact sync, null for units from elsewhere. */
  @Column({ name: "wecom_dept_id", type: "integer", nullable: true, unique: true })
  wecomDeptId: number | null;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
