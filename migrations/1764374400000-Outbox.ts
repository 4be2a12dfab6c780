import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const id = { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" } as const;
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const varchar = (name: string, length: number, nullable = false) => ({ name, type: "varchar", length: String(length), isNullable: nullable });
const integer = (name: string, nullable = false) => ({ name, type: "integer", isNullable: nullable });

/** The durable outbox: messages to send and one delivery row per recipient. */
export class Outbox1764374400000 implements MigrationInterface {
  name = "Outbox1764374400000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "outbox_messages",
        columns: [
          id,
          // 191 characters keeps the unique key inside InnoDB's index limit with utf8mb4.
          varchar("idempotency_key", 191),
          varchar("lane", 16),
          { name: "payload", type: "text" },
          varchar("source", 64, true),
          datetime("created_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_outbox_messages_key", columnNames: ["idempotency_key"], isUnique: true }),
          new TableIndex({ name: "idx_outbox_messages_source", columnNames: ["source"] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "outbox_deliveries",
        columns: [
          id,
          integer("message_id"),
          varchar("channel", 16, true),
          varchar("recipient", 64),
          integer("person_id", true),
          varchar("lane", 16),
          integer("priority"),
          varchar("status", 16),
          integer("attempts"),
          datetime("next_attempt_at"),
          datetime("claimed_until", true),
          varchar("claimed_by", 64, true),
          varchar("platform_msg_id", 128, true),
          varchar("response_code", 512, true),
          varchar("error_code", 32, true),
          varchar("last_error", 500, true),
          datetime("sent_at", true),
          datetime("created_at"),
          datetime("updated_at"),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ["message_id"],
            referencedTableName: "outbox_messages",
            referencedColumnNames: ["id"],
            onDelete: "RESTRICT",
            onUpdate: "RESTRICT",
          }),
        ],
        indices: [
          new TableIndex({ name: "uq_outbox_deliveries_recipient", columnNames: ["message_id", "channel", "recipient"], isUnique: true }),
          // The claim query: due rows of one status, highest lane first, oldest first.
          new TableIndex({ name: "idx_outbox_deliveries_due", columnNames: ["status", "priority", "next_attempt_at"] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("outbox_deliveries");
    await q.dropTable("outbox_messages");
  }
}
