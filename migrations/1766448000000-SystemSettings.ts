import { type MigrationInterface, type QueryRunner, Table } from "typeorm";

/**
 * Settings an administrator changes in the console that were until now only .env settings (the
 * overdue ladder's days first): one row per setting, its value as JSON; no row keeps the .env value.
 */
export class SystemSettings1766448000000 implements MigrationInterface {
  name = "SystemSettings1766448000000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "system_settings",
        columns: [
          { name: "setting_key", type: "varchar", length: "64", isPrimary: true },
          { name: "value", type: "text" },
          { name: "updated_at", type: "datetime", precision: 3 },
          { name: "updated_by", type: "varchar", length: "64" },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("system_settings");
  }
}
