import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type { DutyRole } from "../../domain/duty/vocabulary";
import { numeric, utcDatetime } from "../columns";

/**
 * One shift of a unit's duty roster (值班表): who, in which role, from when to when. Any length,
 * across midnight and month ends. `servedById` is set when a swap (换班) was accepted: the roster
 * keeps who was planned and shows who actually served. Reminders and check-ins follow the server.
 */
@Entity("duty_shifts")
@Index("idx_duty_shifts_unit_start", ["unitId", "startAt"])
@Index("idx_duty_shifts_person_start", ["personId", "startAt"])
@Index("idx_duty_shifts_served_start", ["servedById", "startAt"])
@Index("idx_duty_shifts_end", ["endAt"])
export class DutyShift {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "unit_id", type: "integer" })
  unitId: number;

  @Column({ name: "person_id", type: "integer" })
  personId: number;

  @Column({ type: "varchar", length: 16 })
  role: DutyRole;

  @Column({ name: "start_at", ...utcDatetime })
  startAt: Date;

  @Column({ name: "end_at", ...utcDatetime })
  endAt: Date;

  /** Who serves instead of `personId` after an accepted swap; null: the planned person. */
  @Column({ name: "served_by_id", type: "integer", nullable: true })
  servedById: number | null;

  /** 「收到」 on a reminder card (or typed). Cleared when a swap hands the shift to someone else. */
  @Column({ name: "confirmed_at", ...utcDatetime, nullable: true })
  confirmedAt: Date | null;

  /** 到岗签到. */
  @Column({ name: "checked_in_at", ...utcDatetime, nullable: true })
  checkedInAt: Date | null;

  @Column({ name: "check_in_latitude", type: "double", nullable: true, transformer: numeric })
  checkInLatitude: number | null;

  @Column({ name: "check_in_longitude", type: "double", nullable: true, transformer: numeric })
  checkInLongitude: number | null;

  /** The check-in was asked for a shared location (a critical period) and waits for it. */
  @Column({ name: "location_asked_at", ...utcDatetime, nullable: true })
  locationAskedAt: Date | null;

  /** 交接班: what the outgoing person left pending, handed to the next shift at its check-in. */
  @Column({ name: "handover_note", type: "varchar", length: 1000, nullable: true })
  handoverNote: string | null;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
