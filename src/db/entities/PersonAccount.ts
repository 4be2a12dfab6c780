import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { utcDatetime } from "../columns";
import { Person } from "./Person";

/**
 * A person's account on one messenger (WeChat Work userid, DingTalk userid, …). One account per
 * person and channel, and an account belongs to one person: both are unique keys. A new messenger
 * needs no new column, only rows with its channel id.
 */
@Entity("person_accounts")
@Index("uq_person_accounts_account", ["channel", "accountId"], { unique: true })
@Index("uq_person_accounts_person", ["personId", "channel"], { unique: true })
export class PersonAccount {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "person_id", type: "integer" })
  personId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  @Column({ type: "varchar", length: 16 })
  channel: ChannelId;

  /** The platform's user id, as the directory or the platform gave it (compared without regard to case). */
  @Column({ name: "account_id", type: "varchar", length: 64 })
  accountId: string;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
