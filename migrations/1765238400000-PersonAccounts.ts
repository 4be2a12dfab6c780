import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from "typeorm";

/**
 * People's messenger accounts move from one column per platform on `people` into
 * `person_accounts(person_id, channel, account_id)`, so a new messenger is rows, not a column.
 * `people.preferred_channel` says which messenger a person with several wants to be reached on.
 *
 * The copy is the one place plain SQL is needed: `INSERT … SELECT` and a correlated `UPDATE` in
 * the SQL both SQLite and MySQL/MariaDB speak. Everything else is the schema builder.
 */
export class PersonAccounts1765238400000 implements MigrationInterface {
  name = "PersonAccounts1765238400000";

  /** The per-platform columns this migration retires, with the channel id their values move under. */
  private readonly columns = [
    { column: "wecom_user_id", index: "uq_people_wecom_user", channel: "wecom" },
    { column: "dingtalk_user_id", index: "uq_people_dingtalk_user", channel: "dingtalk" },
  ] as const;

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "person_accounts",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "person_id", type: "integer" },
          { name: "channel", type: "varchar", length: "16" },
          { name: "account_id", type: "varchar", length: "64" },
          { name: "created_at", type: "datetime", precision: 3 },
          { name: "updated_at", type: "datetime", precision: 3 },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ["person_id"], referencedTableName: "people", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" })],
        indices: [
          new TableIndex({ name: "uq_person_accounts_account", columnNames: ["channel", "account_id"], isUnique: true }),
          new TableIndex({ name: "uq_person_accounts_person", columnNames: ["person_id", "channel"], isUnique: true }),
        ],
      }),
    );
    for (const { column, channel } of this.columns) {
      await q.query(
        `INSERT INTO person_accounts (person_id, channel, account_id, created_at, updated_at)
         SELECT id, '${channel}', ${column}, created_at, updated_at FROM people WHERE ${column} IS NOT NULL ORDER BY id`,
      );
    }
    for (const { column, index } of this.columns) {
      await q.dropIndex("people", index);
      await q.dropColumn("people", column);
    }
    await q.addColumn("people", new TableColumn({ name: "preferred_channel", type: "varchar", length: "16", isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    // On SQLite the schema builder rebuilds `people` to change its columns: like every down here
    // that does, run it with foreign keys off, as `runMigrations` runs the ups.
    await q.dropColumn("people", "preferred_channel");
    for (const { column, index, channel } of this.columns) {
      await q.addColumn("people", new TableColumn({ name: column, type: "varchar", length: "64", isNullable: true }));
      await q.query(`UPDATE people SET ${column} = (SELECT a.account_id FROM person_accounts a WHERE a.person_id = people.id AND a.channel = '${channel}')`);
      await q.createIndex("people", new TableIndex({ name: index, columnNames: [column], isUnique: true }));
    }
    // Accounts on channels without a column of their own (none yet) have nowhere to go back to.
    await q.dropTable("person_accounts");
  }
}
