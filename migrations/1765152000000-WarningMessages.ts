import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/** Warning messages received with an identifier: a repeat starts no second 叫应; updates and cancellations find theirs. */
export class WarningMessages1765152000000 implements MigrationInterface {
  name = "WarningMessages1765152000000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "warning_messages",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "sender", type: "varchar", length: "191" },
          { name: "identifier", type: "varchar", length: "191" },
          { name: "msg_type", type: "varchar", length: "16" },
          { name: "level", type: "varchar", length: "8", isNullable: true },
          { name: "root_id", type: "integer", isNullable: true },
          { name: "callout_id", type: "integer", isNullable: true },
          { name: "outcome", type: "varchar", length: "16" },
          { name: "received_by", type: "integer" },
          { name: "received_at", type: "datetime", precision: 3, isNullable: false },
        ],
        // The publisher's key: the same message posted again is found here, never stored twice.
        indices: [new TableIndex({ name: "uq_warning_messages_identifier", columnNames: ["sender", "identifier"], isUnique: true })],
        foreignKeys: [fk("root_id", "warning_messages"), fk("callout_id", "callouts"), fk("received_by", "people")],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("warning_messages");
  }
}
