import { type MigrationInterface, type QueryRunner, TableColumn } from "typeorm";

/**
 * A delivery's retry horizon as an instant (`give_up_at`): a 叫应 card keeps being retried until
 * its campaign's deadline instead of stopping after `OUTBOX_MAX_ATTEMPTS`. Null: the attempt count
 * still bounds it. Schema-builder only, for SQLite and MySQL/MariaDB alike.
 */
export class OutboxGiveUp1765756800000 implements MigrationInterface {
  name = "OutboxGiveUp1765756800000";

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn("outbox_deliveries", new TableColumn({ name: "give_up_at", type: "datetime", precision: 3, isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn("outbox_deliveries", "give_up_at");
  }
}
