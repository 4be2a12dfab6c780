import { type MigrationInterface, type QueryRunner, Table, TableForeignKey } from "typeorm";

/** The admin console: people's passwords (with lockout) and explicit console roles and data scopes. */
export class AdminConsole1766016000000 implements MigrationInterface {
  name = "AdminConsole1766016000000";

  async up(q: QueryRunner): Promise<void> {
    const person = () => new TableForeignKey({ columnNames: ["person_id"], referencedTableName: "people", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });
    await q.createTable(
      new Table({
        name: "person_credentials",
        columns: [
          { name: "person_id", type: "integer", isPrimary: true },
          { name: "password_hash", type: "varchar", length: "255" },
          { name: "failed_attempts", type: "integer" },
          { name: "locked_until", type: "datetime", precision: 3, isNullable: true },
          { name: "password_set_at", type: "datetime", precision: 3 },
          { name: "last_sign_in_at", type: "datetime", precision: 3, isNullable: true },
        ],
        foreignKeys: [person()],
      }),
    );
    await q.createTable(
      new Table({
        name: "console_grants",
        columns: [
          { name: "person_id", type: "integer", isPrimary: true },
          { name: "role", type: "varchar", length: "16" },
          { name: "scope", type: "varchar", length: "16", isNullable: true },
          { name: "unit_ids", type: "varchar", length: "1000", isNullable: true },
          { name: "updated_at", type: "datetime", precision: 3 },
        ],
        foreignKeys: [person()],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("console_grants");
    await q.dropTable("person_credentials");
  }
}
