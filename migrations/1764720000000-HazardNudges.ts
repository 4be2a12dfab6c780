import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string) => ({ name, type: "datetime", precision: 3, isNullable: false });

/** The overdue ladder's record: one row per hazard, step and deadline, so each step happens once. */
export class HazardNudges1764720000000 implements MigrationInterface {
  name = "HazardNudges1764720000000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "hazard_nudges",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "hazard_id", type: "integer", isNullable: false },
          { name: "step", type: "varchar", length: "16" },
          datetime("deadline"),
          datetime("sent_at"),
          { name: "skipped", type: "boolean" },
        ],
        // The exactly-once guarantee: a second tick's insert of the same step fails here.
        indices: [new TableIndex({ name: "uq_hazard_nudges_step", columnNames: ["hazard_id", "step", "deadline"], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ["hazard_id"], referencedTableName: "hazards", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("hazard_nudges");
  }
}
