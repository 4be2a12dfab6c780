import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { OrgUnit } from "./OrgUnit";
import { bool, commaList, utcDatetime } from "../columns";
import type { ChannelId } from "../../channels/channel";
import type { RoleCode } from "../../domain/org/vocabulary";

/** Someone the system talks to: staff, village cadres, enterprise responsible people. */
@Entity("people")
@Index("uq_people_mobile", ["mobile"], { unique: true })
@Index("idx_people_unit", ["unitId"])
export class Person {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 50 })
  name: string;

  /** Mainland mobile number; the key that imports match on. */
  @Column({ type: "varchar", length: 20 })
  mobile: string;

  @Column({ name: "unit_id", type: "integer" })
  unitId: number;

  @ManyToOne(() => OrgUnit, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "unit_id" })
  unit?: OrgUnit;

  @Column({ type: "varchar", length: 255, transformer: commaList })
  roles: RoleCode[];

  @Column({ name: "superior_id", type: "integer", nullable: true })
  superiorId: number | null;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "superior_id" })
  superior?: Person;

  /**
   * The messenger this person wants to be reached on, when they have accounts on several; null:
   * the first enabled channel (in the registry's order) on which they have an account. Their
   * accounts live in person_accounts.
   */
  @Column({ name: "preferred_channel", type: "varchar", length: 16, nullable: true })
  preferredChannel: ChannelId | null;

  /** People who leave are deactivated, never deleted: the ledger still names them. */
  @Column({ type: "boolean", transformer: bool })
  active: boolean;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
