import { type MigrationInterface, type QueryRunner, Table } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });

/**
 * Bot conversations in the database, so a turn's new conversation state commits with its reply's
 * outbox rows (one atomic turn); and the results of requests made on a person's behalf, so a
 * replayed turn finds the hazard or tip it already created instead of creating a second one.
 */
export class BotConversations1765324800000 implements MigrationInterface {
  name = "BotConversations1765324800000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "bot_conversations",
        columns: [
          { name: "person_id", type: "integer", isPrimary: true },
          { name: "flow", type: "varchar", length: "64", isNullable: true },
          { name: "state", type: "text", isNullable: true },
          { name: "question", type: "text", isNullable: true },
          { name: "task_id", type: "varchar", length: "64", isNullable: true },
          datetime("expires_at", true),
          { name: "last_event_key", type: "varchar", length: "191", isNullable: true },
          datetime("updated_at"),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "request_results",
        columns: [
          { name: "request_key", type: "varchar", length: "191", isPrimary: true },
          { name: "kind", type: "varchar", length: "32" },
          { name: "result_id", type: "integer" },
          datetime("created_at"),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("request_results");
    await q.dropTable("bot_conversations");
  }
}
