import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });

/** The durable inbox: every inbound callback event, stored before it is acknowledged. */
export class Inbox1764201600000 implements MigrationInterface {
  name = "Inbox1764201600000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "inbound_events",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "channel", type: "varchar", length: "16" },
          { name: "event_key", type: "varchar", length: "128" },
          { name: "kind", type: "varchar", length: "32" },
          { name: "sender_id", type: "varchar", length: "128" },
          { name: "payload", type: "text" },
          { name: "status", type: "varchar", length: "16" },
          { name: "attempts", type: "integer", default: 0 },
          datetime("received_at"),
          datetime("processed_at", true),
          datetime("next_attempt_at", true),
          { name: "last_error", type: "varchar", length: "500", isNullable: true },
        ],
        indices: [
          // The de-duplication of last resort when the kv store is down or has forgotten.
          new TableIndex({ name: "uq_inbound_events_key", columnNames: ["channel", "event_key"], isUnique: true }),
          // The redrive job's query: due rows by status.
          new TableIndex({ name: "idx_inbound_events_due", columnNames: ["status", "next_attempt_at"] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("inbound_events");
  }
}
