import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { InspectionKind, InspectionResult } from "../../domain/inspections/vocabulary";
import { bool, numeric, utcDatetime } from "../columns";
import { Enterprise } from "./Enterprise";
import { Hazard } from "./Hazard";
import { OrgUnit } from "./OrgUnit";
import { Person } from "./Person";

/** A check-in (巡查打卡): who inspected which enterprise, when, how, with what result and from where. */
@Entity("inspections")
@Index("idx_inspections_inspector_at", ["inspectorId", "checkedInAt"])
@Index("idx_inspections_enterprise_at", ["enterpriseId", "checkedInAt"])
@Index("idx_inspections_unit_at", ["unitId", "checkedInAt"])
@Index("idx_inspections_at_unit", ["checkedInAt", "unitId"])
@Index("idx_inspections_inspector_kind", ["inspectorId", "checkedInAt", "kind", "enterpriseId"])
export class Inspection {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "inspector_id", type: "integer" })
  inspectorId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "inspector_id" })
  inspector?: Person;

  /** The inspector's unit at check-in time: quotas and rankings count by it, even after a move. */
  @Column({ name: "unit_id", type: "integer" })
  unitId: number;

  @ManyToOne(() => OrgUnit, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "unit_id" })
  unit?: OrgUnit;

  @Column({ name: "enterprise_id", type: "integer" })
  enterpriseId: number;

  @ManyToOne(() => Enterprise, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "enterprise_id" })
  enterprise?: Enterprise;

  @Column({ type: "varchar", length: 16 })
  kind: InspectionKind;

  @Column({ type: "varchar", length: 16 })
  result: InspectionResult;

  @Column({ type: "text", nullable: true })
  note: string | null;

  /** Where the inspector's phone said they were, if they shared it. */
  @Column({ type: "double", nullable: true, transformer: numeric })
  latitude: number | null;

  @Column({ type: "double", nullable: true, transformer: numeric })
  longitude: number | null;

  /** Metres from that position to the enterprise's coordinates; null when either is unknown. */
  @Column({ name: "distance_metres", type: "integer", nullable: true })
  distanceMetres: number | null;

  /** Further than INSPECTION_FAR_METRES: recorded and shown, never refused. */
  @Column({ name: "far_from_site", type: "boolean", transformer: bool })
  farFromSite: boolean;

  /** The hazard reported from this visit (the first, when several were). */
  @Column({ name: "hazard_id", type: "integer", nullable: true })
  hazardId: number | null;

  @ManyToOne(() => Hazard, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "hazard_id" })
  hazard?: Hazard;

  @Column({ name: "checked_in_at", ...utcDatetime })
  checkedInAt: Date;
}
