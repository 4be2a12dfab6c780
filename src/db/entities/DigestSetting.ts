import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from "typeorm";
import { bool, utcDatetime } from "../columns";
import { Person } from "./Person";

/** A leader's own choice about the daily digest; no row means on, at DIGEST_HOUR. */
@Entity("digest_settings")
export class DigestSetting {
  @PrimaryColumn({ name: "person_id", type: "integer" })
  personId: number;

  @OneToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  @Column({ type: "boolean", transformer: bool })
  enabled: boolean;

  /** Shanghai hour 0–23 to receive it; null keeps DIGEST_HOUR. */
  @Column({ type: "integer", nullable: true })
  hour: number | null;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
