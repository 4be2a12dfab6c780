import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { utcDatetime } from "../columns";

/** A person's secret iCalendar feed address: only a hash of its token is kept; a new link revokes the old. */
@Entity("duty_calendar_links")
@Index("uq_duty_calendar_links_hash", ["tokenHash"], { unique: true })
export class DutyCalendarLink {
  @PrimaryColumn({ name: "person_id", type: "integer" })
  personId: number;

  @Column({ name: "token_hash", type: "varchar", length: 64 })
  tokenHash: string;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;
}
