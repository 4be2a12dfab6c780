import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/**
 * Tips (举报), their photos and the per-year counter behind gap-free tip numbers. The tipster has
 * no plain column anywhere: identity sealed, a keyed lookup hash, a pseudonym; photos carry no uploader.
 */
export class Tips1764979200000 implements MigrationInterface {
  name = "Tips1764979200000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "tips",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "number", type: "varchar", length: "20" },
          { name: "year", type: "integer" },
          { name: "seq", type: "integer" },
          { name: "source", type: "varchar", length: "16" },
          { name: "channel", type: "varchar", length: "16" },
          { name: "state", type: "varchar", length: "16" },
          { name: "content", type: "text" },
          { name: "enterprise_id", type: "integer", isNullable: true },
          { name: "location_text", type: "varchar", length: "255", isNullable: true },
          { name: "latitude", type: "double", isNullable: true },
          { name: "longitude", type: "double", isNullable: true },
          { name: "pseudonym", type: "varchar", length: "16" },
          { name: "reporter_sealed", type: "text", isNullable: true },
          { name: "identity_key_id", type: "varchar", length: "16", isNullable: true },
          { name: "reporter_lookup", type: "varchar", length: "64", isNullable: true },
          { name: "handler_id", type: "integer", isNullable: true },
          datetime("due_at", true),
          { name: "result", type: "varchar", length: "16", isNullable: true },
          { name: "resolution", type: "text", isNullable: true },
          { name: "reward_state", type: "varchar", length: "8", isNullable: true },
          { name: "reward_amount", type: "integer", isNullable: true },
          datetime("reward_paid_at", true),
          datetime("reported_at"),
          datetime("accepted_at", true),
          datetime("closed_at", true),
          datetime("updated_at"),
          { name: "version", type: "integer" },
        ],
        indices: [
          new TableIndex({ name: "uq_tips_number", columnNames: ["number"], isUnique: true }),
          new TableIndex({ name: "uq_tips_year_seq", columnNames: ["year", "seq"], isUnique: true }),
          // Open tips by 办理时限: the overdue list.
          new TableIndex({ name: "idx_tips_state_due", columnNames: ["state", "due_at"] }),
          new TableIndex({ name: "idx_tips_handler", columnNames: ["handler_id"] }),
          // "我的举报": a tipster's own tips by their keyed hash.
          new TableIndex({ name: "idx_tips_reporter_lookup", columnNames: ["reporter_lookup"] }),
        ],
        foreignKeys: [fk("enterprise_id", "enterprises"), fk("handler_id", "people")],
      }),
    );
    await q.createTable(
      new Table({
        name: "tip_photos",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "tip_id", type: "integer" },
          { name: "storage_key", type: "varchar", length: "128" },
          datetime("at"),
        ],
        indices: [new TableIndex({ name: "idx_tip_photos_tip", columnNames: ["tip_id"] })],
        foreignKeys: [fk("tip_id", "tips")],
      }),
    );
    // One row per year: the row lock serialises numbering, and a rolled-back tip burns nothing.
    await q.createTable(
      new Table({
        name: "tip_counters",
        columns: [
          { name: "year", type: "integer", isPrimary: true },
          { name: "last_seq", type: "integer" },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("tip_counters");
    await q.dropTable("tip_photos");
    await q.dropTable("tips");
  }
}
