import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string) => ({ name, type: "datetime", precision: 3 });
const ref = (name: string, nullable = false) => ({ name, type: "integer", isNullable: nullable });
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/** Inspection check-ins (巡查打卡) and their photos. */
export class Inspections1765065600000 implements MigrationInterface {
  name = "Inspections1765065600000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "inspections",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          ref("inspector_id"),
          ref("unit_id"),
          ref("enterprise_id"),
          { name: "kind", type: "varchar", length: "16" },
          { name: "result", type: "varchar", length: "16" },
          { name: "note", type: "text", isNullable: true },
          { name: "latitude", type: "double", isNullable: true },
          { name: "longitude", type: "double", isNullable: true },
          { name: "distance_metres", type: "integer", isNullable: true },
          { name: "far_from_site", type: "boolean" },
          ref("hazard_id", true),
          datetime("checked_in_at"),
        ],
        indices: [
          // The list by person, by enterprise and by unit, each over a date range; quotas read the same.
          new TableIndex({ name: "idx_inspections_inspector_at", columnNames: ["inspector_id", "checked_in_at"] }),
          new TableIndex({ name: "idx_inspections_enterprise_at", columnNames: ["enterprise_id", "checked_in_at"] }),
          new TableIndex({ name: "idx_inspections_unit_at", columnNames: ["unit_id", "checked_in_at"] }),
        ],
        foreignKeys: [fk("inspector_id", "people"), fk("unit_id", "org_units"), fk("enterprise_id", "enterprises"), fk("hazard_id", "hazards")],
      }),
    );
    await q.createTable(
      new Table({
        name: "inspection_photos",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          ref("inspection_id"),
          { name: "storage_key", type: "varchar", length: "128" },
          datetime("at"),
        ],
        indices: [new TableIndex({ name: "idx_inspection_photos_inspection", columnNames: ["inspection_id"] })],
        foreignKeys: [fk("inspection_id", "inspections")],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("inspection_photos");
    await q.dropTable("inspections");
  }
}
