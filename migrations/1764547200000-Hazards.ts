import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const ref = (name: string, nullable = true) => ({ name, type: "integer", isNullable: nullable });
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/** Hazards with their "五落实", and their ledger (台账). Photos and nudges come in their own migrations. */
export class Hazards1764547200000 implements MigrationInterface {
  name = "Hazards1764547200000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "hazards",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "number", type: "varchar", length: "20" },
          { name: "year", type: "integer" },
          { name: "seq", type: "integer" },
          { name: "source", type: "varchar", length: "16" },
          { name: "state", type: "varchar", length: "16" },
          { name: "level", type: "varchar", length: "8" },
          { name: "category", type: "varchar", length: "64" },
          { name: "description", type: "text" },
          ref("enterprise_id"),
          ref("unit_id", false),
          { name: "location_text", type: "varchar", length: "255", isNullable: true },
          { name: "latitude", type: "double", isNullable: true },
          { name: "longitude", type: "double", isNullable: true },
          ref("reporter_id", false),
          ref("owner_id"),
          ref("supervisor_id"),
          ref("verifier_id"),
          { name: "measures", type: "text", isNullable: true },
          { name: "funds", type: "varchar", length: "100", isNullable: true },
          datetime("deadline", true),
          { name: "contingency_plan", type: "text", isNullable: true },
          { name: "listed_for_supervision", type: "boolean" },
          ref("leader_signoff_by"),
          datetime("leader_signoff_at", true),
          { name: "enforcement_stage", type: "varchar", length: "16" },
          datetime("reported_at"),
          datetime("closed_at", true),
          datetime("updated_at"),
          { name: "version", type: "integer" },
        ],
        indices: [
          new TableIndex({ name: "uq_hazards_number", columnNames: ["number"], isUnique: true }),
          new TableIndex({ name: "uq_hazards_year_seq", columnNames: ["year", "seq"], isUnique: true }),
          // The nudge ladder's query: open hazards by deadline.
          new TableIndex({ name: "idx_hazards_state_deadline", columnNames: ["state", "deadline"] }),
          new TableIndex({ name: "idx_hazards_unit", columnNames: ["unit_id"] }),
          // Repeat findings: the same enterprise and category again.
          new TableIndex({ name: "idx_hazards_enterprise_category", columnNames: ["enterprise_id", "category"] }),
        ],
        foreignKeys: [
          fk("enterprise_id", "enterprises"),
          fk("unit_id", "org_units"),
          fk("reporter_id", "people"),
          fk("owner_id", "people"),
          fk("supervisor_id", "people"),
          fk("verifier_id", "people"),
          fk("leader_signoff_by", "people"),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "hazard_ledger",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          ref("hazard_id", false),
          datetime("at"),
          ref("actor_id"),
          { name: "action", type: "varchar", length: "32" },
          { name: "from_state", type: "varchar", length: "16", isNullable: true },
          { name: "to_state", type: "varchar", length: "16", isNullable: true },
          { name: "reason", type: "text", isNullable: true },
          { name: "changes", type: "text", isNullable: true },
        ],
        indices: [new TableIndex({ name: "idx_hazard_ledger_hazard", columnNames: ["hazard_id", "at"] })],
        foreignKeys: [fk("hazard_id", "hazards"), fk("actor_id", "people")],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("hazard_ledger");
    await q.dropTable("hazards");
  }
}
