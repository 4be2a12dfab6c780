import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import { Tip } from "./Tip";

/** A photo sent with a tip. No uploader column: that would name the tipster. */
@Entity("tip_photos")
@Index("idx_tip_photos_tip", ["tipId"])
export class TipPhoto {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "tip_id", type: "integer" })
  tipId: number;

  @ManyToOne(() => Tip, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "tip_id" })
  tip?: Tip;

  /** The media store's own key; the bytes live in the store, never in the database. */
  @Column({ name: "storage_key", type: "varchar", length: 128 })
  storageKey: string;

  @Column(utcDatetime)
  at: Date;
}
