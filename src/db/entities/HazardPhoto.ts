import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { HazardPhotoStage } from "../../domain/hazards/vocabulary";
import { utcDatetime } from "../columns";
import { Hazard } from "./Hazard";
import { Person } from "./Person";

/** A photo of a hazard: as found (before), after rectification (after) or of an on-the-spot fix (proof). */
@Entity("hazard_photos")
@Index("idx_hazard_photos_hazard", ["hazardId", "stage"])
export class HazardPhoto {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "hazard_id", type: "integer" })
  hazardId: number;

  @ManyToOne(() => Hazard, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "hazard_id" })
  hazard?: Hazard;

  @Column({ type: "varchar", length: 8 })
  stage: HazardPhotoStage;

  /** The media store's own key; the bytes live in the store, never in the database. */
  @Column({ name: "storage_key", type: "varchar", length: 128 })
  storageKey: string;

  @Column({ name: "uploaded_by", type: "integer" })
  uploadedBy: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "uploaded_by" })
  uploader?: Person;

  @Column(utcDatetime)
  at: Date;
}
