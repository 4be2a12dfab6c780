import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/** Hazard photos (before / after / proof) and the per-year counter behind gap-free hazard numbers. */
export class HazardPhotos1764633600000 implements MigrationInterface {
  name = "HazardPhotos1764633600000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "hazard_photos",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "hazard_id", type: "integer" },
          { name: "stage", type: "varchar", length: "8" },
          { name: "storage_key", type: "varchar", length: "128" },
          { name: "uploaded_by", type: "integer" },
          { name: "at", type: "datetime", precision: 3 },
        ],
        indices: [new TableIndex({ name: "idx_hazard_photos_hazard", columnNames: ["hazard_id", "stage"] })],
        foreignKeys: [fk("hazard_id", "hazards"), fk("uploaded_by", "people")],
      }),
    );
    // One row per year: the row lock serialises numbering, and a rolled-back report burns nothing.
    await q.createTable(
      new Table({
        name: "hazard_counters",
        columns: [
          { name: "year", type: "integer", isPrimary: true },
          { name: "last_seq", type: "integer" },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("hazard_counters");
    await q.dropTable("hazard_photos");
  }
}
