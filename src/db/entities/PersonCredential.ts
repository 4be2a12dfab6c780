import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Person } from "./Person";
import { utcDatetime } from "../columns";

/**
 * A person's password for the admin console (Argon2id hash; the password itself is never stored)
 * and the failed attempts that lock the account for a while.
 */
@Entity("person_credentials")
export class PersonCredential {
  @PrimaryColumn({ name: "person_id", type: "integer" })
  personId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  @Column({ name: "password_hash", type: "varchar", length: 255 })
  passwordHash: string;

  /** Wrong passwords since the last good one; reaching the limit locks the account. */
  @Column({ name: "failed_attempts", type: "integer" })
  failedAttempts: number;

  @Column({ name: "locked_until", ...utcDatetime, nullable: true })
  lockedUntil: Date | null;

  @Column({ name: "password_set_at", ...utcDatetime })
  passwordSetAt: Date;

  @Column({ name: "last_sign_in_at", ...utcDatetime, nullable: true })
  lastSignInAt: Date | null;
}
