import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";

/** One line of the append-only audit log: who changed what, when, from what to what. */
@Entity("audit_log")
@Index("idx_audit_entity", ["entityType", "entityId"])
@Index("idx_audit_at", ["at"])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column(utcDatetime)
  at: Date;

  /** `person:12`, `import`, `system`, `job:<name>`: who or what made the change. */
  @Column({ type: "varchar", length: 64 })
  actor: string;

  @Column({ type: "varchar", length: 64 })
  action: string;

  @Column({ name: "entity_type", type: "varchar", length: 32 })
  entityType: string;

  @Column({ name: "entity_id", type: "varchar", length: 64 })
  entityId: string;

  /** JSON of the changed fields before and after; null on creation or removal. */
  @Column({ type: "text", nullable: true })
  before: string | null;

  @Column({ type: "text", nullable: true })
  after: string | null;

  @Column({ name: "request_id", type: "varchar", length: 64, nullable: true })
  requestId: string | null;
}
