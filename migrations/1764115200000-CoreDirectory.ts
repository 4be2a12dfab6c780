import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const id = { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" } as const;
const timestamps = [
  { name: "created_at", type: "datetime", precision: 3 },
  { name: "updated_at", type: "datetime", precision: 3 },
];
const ref = (name: string, nullable = true) => ({ name, type: "integer", isNullable: nullable });
// Unique keys as named unique indices: TypeORM then sees the same thing on SQLite and MySQL.
const unique = (name: string, ...columnNames: string[]) => new TableIndex({ name, columnNames, isUnique: true });
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/** Org units, people, enterprises and the audit log. */
export class CoreDirectory1764115200000 implements MigrationInterface {
  name = "CoreDirectory1764115200000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "org_units",
        columns: [
          id,
          { name: "code", type: "varchar", length: "64" },
          { name: "name", type: "varchar", length: "100" },
          { name: "kind", type: "varchar", length: "20" },
          ref("parent_id"),
          { name: "path", type: "varchar", length: "255" },
          ...timestamps,
        ],
        foreignKeys: [fk("parent_id", "org_units")],
        indices: [unique("uq_org_units_code", "code"), new TableIndex({ name: "idx_org_units_path", columnNames: ["path"] })],
      }),
    );
    await q.createTable(
      new Table({
        name: "people",
        columns: [
          id,
          { name: "name", type: "varchar", length: "50" },
          { name: "mobile", type: "varchar", length: "20" },
          ref("unit_id", false),
          { name: "roles", type: "varchar", length: "255" },
          ref("superior_id"),
          { name: "wecom_user_id", type: "varchar", length: "64", isNullable: true },
          { name: "dingtalk_user_id", type: "varchar", length: "64", isNullable: true },
          { name: "active", type: "boolean" },
          ...timestamps,
        ],
        foreignKeys: [fk("unit_id", "org_units"), fk("superior_id", "people")],
        indices: [
          unique("uq_people_mobile", "mobile"),
          unique("uq_people_wecom_user", "wecom_user_id"),
          unique("uq_people_dingtalk_user", "dingtalk_user_id"),
          new TableIndex({ name: "idx_people_unit", columnNames: ["unit_id"] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "enterprises",
        columns: [
          id,
          { name: "credit_code", type: "varchar", length: "18" },
          { name: "name", type: "varchar", length: "200" },
          { name: "industry", type: "varchar", length: "32" },
          { name: "scale", type: "varchar", length: "16" },
          { name: "risk_level", type: "varchar", length: "8" },
          { name: "address", type: "varchar", length: "255", isNullable: true },
          { name: "longitude", type: "double", isNullable: true },
          { name: "latitude", type: "double", isNullable: true },
          ref("supervising_unit_id", false),
          ref("admin_owner_id"),
          ref("supervisor_owner_id"),
          ref("enterprise_owner_id"),
          { name: "active", type: "boolean" },
          ...timestamps,
        ],
        foreignKeys: [
          fk("supervising_unit_id", "org_units"),
          fk("admin_owner_id", "people"),
          fk("supervisor_owner_id", "people"),
          fk("enterprise_owner_id", "people"),
        ],
        indices: [unique("uq_enterprises_credit_code", "credit_code"), new TableIndex({ name: "idx_enterprises_unit", columnNames: ["supervising_unit_id"] })],
      }),
    );
    await q.createTable(
      new Table({
        name: "audit_log",
        columns: [
          id,
          { name: "at", type: "datetime", precision: 3 },
          { name: "actor", type: "varchar", length: "64" },
          { name: "action", type: "varchar", length: "64" },
          { name: "entity_type", type: "varchar", length: "32" },
          { name: "entity_id", type: "varchar", length: "64" },
          { name: "before", type: "text", isNullable: true },
          { name: "after", type: "text", isNullable: true },
          { name: "request_id", type: "varchar", length: "64", isNullable: true },
        ],
        indices: [
          new TableIndex({ name: "idx_audit_entity", columnNames: ["entity_type", "entity_id"] }),
          new TableIndex({ name: "idx_audit_at", columnNames: ["at"] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ["audit_log", "enterprises", "people", "org_units"]) await q.dropTable(table);
  }
}
