import { type MigrationInterface, type QueryRunner, Table } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const varchar = (name: string, length: number) => ({ name, type: "varchar", length: String(length) });

/** The scheduler's fallback coordinator while the kv store is unreachable (src/db/jobLocks.ts). */
export class JobLocks1765670400000 implements MigrationInterface {
  name = "JobLocks1765670400000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "job_locks",
        columns: [
          { ...varchar("name", 64), isPrimary: true },
          varchar("tick", 32),
          varchar("owner", 96),
          { name: "lease_until", type: "datetime", precision: 3 },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("job_locks");
  }
}
