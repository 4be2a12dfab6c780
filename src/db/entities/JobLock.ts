import { Column, Entity, PrimaryColumn } from "typeorm";
import { utcDatetime } from "../columns";

/**
 * The database's claim on a scheduled job, used when the kv store cannot be reached: which tick
 * of the job was last claimed, by whom, and until when its run holds the job (see src/db/jobLocks.ts).
 */
@Entity("job_locks")
export class JobLock {
  @PrimaryColumn({ type: "varchar", length: 64 })
  name: string;

  /** The claimed tick as an ISO instant; ticks only move forward, so one tick runs once. */
  @Column({ type: "varchar", length: 32 })
  tick: string;

  @Column({ type: "varchar", length: 96 })
  owner: string;

  /** The run's lease: another instance may take the job's next tick only after this. */
  @Column({ name: "lease_until", ...utcDatetime })
  leaseUntil: Date;
}
