import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const ref = (name: string, nullable = false) => ({ name, type: "integer", isNullable: nullable });
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/** 叫应 campaigns, their recipients and the steps taken for each recipient (exactly once). */
export class Callouts1764806400000 implements MigrationInterface {
  name = "Callouts1764806400000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "callouts",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "title", type: "varchar", length: "100" },
          { name: "text", type: "text" },
          { name: "warning_type", type: "varchar", length: "16" },
          { name: "level", type: "varchar", length: "8" },
          ref("initiator_id"),
          { name: "state", type: "varchar", length: "16" },
          { name: "requires_report", type: "boolean" },
          { name: "answer_minutes", type: "integer" },
          { name: "remind_every_minutes", type: "integer" },
          { name: "max_reminders", type: "integer" },
          datetime("created_at"),
          datetime("sent_at", true),
          datetime("deadline_at", true),
          datetime("closed_at", true),
        ],
        // The tick's question: sent campaigns past their deadline.
        indices: [new TableIndex({ name: "idx_callouts_state_deadline", columnNames: ["state", "deadline_at"] })],
        foreignKeys: [fk("initiator_id", "people")],
      }),
    );
    await q.createTable(
      new Table({
        name: "callout_recipients",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          ref("callout_id"),
          ref("person_id"),
          { name: "state", type: "varchar", length: "16" },
          ref("escalated_from", true),
          datetime("sent_at", true),
          datetime("acknowledged_at", true),
          { name: "ack_channel", type: "varchar", length: "32", isNullable: true },
          { name: "ack_content", type: "varchar", length: "255", isNullable: true },
          datetime("reported_at", true),
          { name: "report_text", type: "text", isNullable: true },
          { name: "awaiting_report", type: "boolean" },
          { name: "reminders_sent", type: "integer" },
          datetime("next_action_at", true),
          { name: "late", type: "boolean" },
        ],
        indices: [
          new TableIndex({ name: "uq_callout_recipients_person", columnNames: ["callout_id", "person_id"], isUnique: true }),
          // The tick's due work.
          new TableIndex({ name: "idx_callout_recipients_due", columnNames: ["next_action_at"] }),
          // Text answers: a person's open callouts.
          new TableIndex({ name: "idx_callout_recipients_person", columnNames: ["person_id"] }),
        ],
        foreignKeys: [fk("callout_id", "callouts"), fk("person_id", "people"), fk("escalated_from", "callout_recipients")],
      }),
    );
    await q.createTable(
      new Table({
        name: "callout_steps",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          ref("callout_id"),
          ref("recipient_id"),
          { name: "step", type: "varchar", length: "16" },
          datetime("at"),
          ref("target_person_id", true),
        ],
        // The exactly-once guarantee: a second tick's insert of the same step fails here.
        indices: [new TableIndex({ name: "uq_callout_steps_step", columnNames: ["callout_id", "recipient_id", "step"], isUnique: true })],
        foreignKeys: [fk("callout_id", "callouts"), fk("recipient_id", "callout_recipients"), fk("target_person_id", "people")],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("callout_steps");
    await q.dropTable("callout_recipients");
    await q.dropTable("callouts");
  }
}
