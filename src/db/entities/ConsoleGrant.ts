import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Person } from "./Person";
import { utcDatetime } from "../columns";

/**
 * An administrator's explicit choice of a person's console role and data scope. Without a row,
 * both follow from the person's roles in the directory (src/domain/access/consoleRoles.ts).
 */
@Entity("console_grants")
export class ConsoleGrant {
  @PrimaryColumn({ name: "person_id", type: "integer" })
  personId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  /** admin | leader | staff | tip_officer | readonly | none (no console access). */
  @Column({ type: "varchar", length: 16 })
  role: string;

  /** all | custom | unit | unit_and_below | self; null: the role's default scope. */
  @Column({ type: "varchar", length: 16, nullable: true })
  scope: string | null;

  /** For the custom scope: the unit ids (each with its subtree), comma-separated. */
  @Column({ name: "unit_ids", type: "varchar", length: 1000, nullable: true })
  unitIds: string | null;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
