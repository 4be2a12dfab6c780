import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const varchar = (name: string, length: number, nullable = false) => ({ name, type: "varchar", length: String(length), isNullable: nullable });

/** The local console messenger's chat lines (src/channels/console). */
export class ConsoleMessages1764892800000 implements MigrationInterface {
  name = "ConsoleMessages1764892800000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "console_messages",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "person_id", type: "integer" },
          varchar("direction", 3),
          varchar("kind", 16),
          { name: "body", type: "text" },
          varchar("media_key", 128, true),
          varchar("platform_msg_id", 64, true),
          varchar("response_code", 64, true),
          varchar("answered_text", 255, true),
          varchar("answer_event", 128, true),
          { name: "recalled_at", type: "datetime", precision: 3, isNullable: true },
          { name: "created_at", type: "datetime", precision: 3 },
        ],
        indices: [
          // The page's read: one person's lines after id N.
          new TableIndex({ name: "idx_console_messages_person", columnNames: ["person_id", "id"] }),
          new TableIndex({ name: "idx_console_messages_response", columnNames: ["response_code"] }),
          new TableIndex({ name: "idx_console_messages_platform", columnNames: ["platform_msg_id"] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ["person_id"], referencedTableName: "people", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("console_messages");
  }
}
