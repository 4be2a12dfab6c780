import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

/** Bearer tokens for the admin API, each acting as one person of the directory. */
export class ApiTokens1764460800000 implements MigrationInterface {
  name = "ApiTokens1764460800000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "api_tokens",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "person_id", type: "integer" },
          { name: "token_hash", type: "varchar", length: "64" },
          { name: "label", type: "varchar", length: "100" },
          { name: "created_at", type: "datetime", precision: 3 },
          { name: "last_used_at", type: "datetime", precision: 3, isNullable: true },
          { name: "revoked_at", type: "datetime", precision: 3, isNullable: true },
        ],
        indices: [new TableIndex({ name: "uq_api_tokens_hash", columnNames: ["token_hash"], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ["person_id"], referencedTableName: "people", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("api_tokens");
  }
}
