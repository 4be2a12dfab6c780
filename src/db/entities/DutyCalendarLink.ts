import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { utcDatetime } from "../columns";

/**
 * A person's secret iCalendar feed address. The token is kept as issued so the person can ask for
 * the same link again (calendar apps keep polling it); the feed shows only their own shift times,
 * and revoking deletes the row, so the old address answers 404 at once.
 */
@Entity("duty_calendar_links")
@Index("uq_duty_calendar_links_token", ["token"], { unique: true })
export class DutyCalendarLink {
  @PrimaryColumn({ name: "person_id", type: "integer" })
  personId: number;

  @Column({ type: "varchar", length: 64 })
  token: string;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;
}
