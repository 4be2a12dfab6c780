import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, VersionColumn } from "typeorm";
import type { EnforcementStage, HazardLevel, HazardSource, HazardState } from "../../domain/hazards/vocabulary";
import { bool, numeric, utcDatetime } from "../columns";
import { Enterprise } from "./Enterprise";
import { OrgUnit } from "./OrgUnit";
import { Person } from "./Person";

/** A hazard (隐患) and its "五落实": responsible person, measures, funds, deadline, contingency plan. */
@Entity("hazards")
@Index("uq_hazards_number", ["number"], { unique: true })
@Index("uq_hazards_year_seq", ["year", "seq"], { unique: true })
@Index("idx_hazards_open_deadline", ["state", "deadline", "unitId", "level", "listedForSupervision"])
@Index("idx_hazards_unit", ["unitId"])
@Index("idx_hazards_enterprise_category", ["enterpriseId", "category"])
@Index("idx_hazards_unit_reported", ["unitId", "reportedAt"])
@Index("idx_hazards_reported_unit", ["reportedAt", "unitId", "level"])
@Index("idx_hazards_closed_unit", ["closedAt", "unitId"])
@Index("idx_hazards_unit_open", ["unitId", "state", "deadline", "level", "listedForSupervision"])
export class Hazard {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** `YH-2026-000123`: gap-free per year. */
  @Column({ type: "varchar", length: 20 })
  number: string;

  @Column({ type: "integer" })
  year: number;

  @Column({ type: "integer" })
  seq: number;

  @Column({ type: "varchar", length: 16 })
  source: HazardSource;

  @Column({ type: "varchar", length: 16 })
  state: HazardState;

  @Column({ type: "varchar", length: 8 })
  level: HazardLevel;

  /** Industry checklist category, e.g. `消防通道堵塞`. */
  @Column({ type: "varchar", length: 64 })
  category: string;

  @Column({ type: "text" })
  description: string;

  @Column({ name: "enterprise_id", type: "integer", nullable: true })
  enterpriseId: number | null;

  @ManyToOne(() => Enterprise, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "enterprise_id" })
  enterprise?: Enterprise;

  /** The unit that covers the hazard: the enterprise's supervising unit, or the unit of the place. */
  @Column({ name: "unit_id", type: "integer" })
  unitId: number;

  @ManyToOne(() => OrgUnit, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "unit_id" })
  unit?: OrgUnit;

  /** For a hazard away from any enterprise: where it is. */
  @Column({ name: "location_text", type: "varchar", length: 255, nullable: true })
  locationText: string | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  latitude: number | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  longitude: number | null;

  @Column({ name: "reporter_id", type: "integer" })
  reporterId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "reporter_id" })
  reporter?: Person;

  /** 责任人: who rectifies (the enterprise's own responsible person, or the unit's fallback owner). */
  @Column({ name: "owner_id", type: "integer", nullable: true })
  ownerId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "owner_id" })
  owner?: Person;

  /** 行业部门监管负责人: who supervises the rectification and gets the 提醒单. */
  @Column({ name: "supervisor_id", type: "integer", nullable: true })
  supervisorId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "supervisor_id" })
  supervisor?: Person;

  /** Who verifies (复查); never the person who rectified. */
  @Column({ name: "verifier_id", type: "integer", nullable: true })
  verifierId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "verifier_id" })
  verifier?: Person;

  /** 五落实 — 措施. */
  @Column({ type: "text", nullable: true })
  measures: string | null;

  /** 五落实 — 资金, as written (e.g. `2.5万元，企业自筹`). */
  @Column({ type: "varchar", length: 100, nullable: true })
  funds: string | null;

  /** 五落实 — 时限: the rectification deadline (UTC). */
  @Column({ ...utcDatetime, nullable: true })
  deadline: Date | null;

  /** 五落实 — 预案. */
  @Column({ name: "contingency_plan", type: "text", nullable: true })
  contingencyPlan: string | null;

  /** 挂牌督办: every major hazard from the start, and any hazard escalated that far. */
  @Column({ name: "listed_for_supervision", type: "boolean", transformer: bool })
  listedForSupervision: boolean;

  @Column({ name: "leader_signoff_by", type: "integer", nullable: true })
  leaderSignoffBy: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "leader_signoff_by" })
  leaderSignoff?: Person;

  @Column({ name: "leader_signoff_at", ...utcDatetime, nullable: true })
  leaderSignoffAt: Date | null;

  /** How this finding is treated as a repeat of the same enterprise and category. */
  @Column({ name: "enforcement_stage", type: "varchar", length: 16 })
  enforcementStage: EnforcementStage;

  @Column({ name: "reported_at", ...utcDatetime })
  reportedAt: Date;

  @Column({ name: "closed_at", ...utcDatetime, nullable: true })
  closedAt: Date | null;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;

  /** Compare-and-set for concurrent changes: two people acting on one hazard at once, one wins. */
  @VersionColumn({ type: "integer" })
  version: number;
}
