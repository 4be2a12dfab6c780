import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";

/**
 * Links org units to WeChat Work departments, so contact sync finds a unit by department id even
 * when an administrator gave it a code of their own. Nullable: most units never come from WeChat Work.
 */
export class WecomContacts1764288000000 implements MigrationInterface {
  name = "WecomContacts1764288000000";

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn("org_units", new TableColumn({ name: "wecom_dept_id", type: "integer", isNullable: true, isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn("org_units", "wecom_dept_id");
  }
}
