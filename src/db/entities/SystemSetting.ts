import { Column, Entity, PrimaryColumn } from "typeorm";
import { utcDatetime } from "../columns";

/** A setting an administrator changed in the console, overriding its .env value (no row: the .env value holds). */
@Entity("system_settings")
export class SystemSetting {
  /** e.g. `hazard_ladder_days`. */
  @PrimaryColumn({ name: "setting_key", type: "varchar", length: 64 })
  key: string;

  /** The value as JSON. */
  @Column({ type: "text" })
  value: string;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;

  /** Who changed it last (`person:12`). */
  @Column({ name: "updated_by", type: "varchar", length: 64 })
  updatedBy: string;
}
