import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import { Person } from "./Person";

/** An admin-API bearer token; only its SHA-256 is stored, so a database dump reveals no token. */
@Entity("api_tokens")
@Index("uq_api_tokens_hash", ["tokenHash"], { unique: true })
export class ApiToken {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "person_id", type: "integer" })
  personId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  @Column({ name: "token_hash", type: "varchar", length: 64 })
  tokenHash: string;

  /** What the token is for, e.g. `值班大屏` or `县局管理员`. */
  @Column({ type: "varchar", length: 100 })
  label: string;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "last_used_at", ...utcDatetime, nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: "revoked_at", ...utcDatetime, nullable: true })
  revokedAt: Date | null;
}
