import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import { Inspection } from "./Inspection";

/** A photo taken at a check-in: the evidence that the visit happened. */
@Entity("inspection_photos")
@Index("idx_inspection_photos_inspection", ["inspectionId"])
export class InspectionPhoto {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "inspection_id", type: "integer" })
  inspectionId: number;

  @ManyToOne(() => Inspection, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "inspection_id" })
  inspection?: Inspection;

  /** The media store's own key; the bytes live in the store, never in the database. */
  @Column({ name: "storage_key", type: "varchar", length: 128 })
  storageKey: string;

  @Column(utcDatetime)
  at: Date;
}
