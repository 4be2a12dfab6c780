import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder tables and portable INSERTs only, so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string) => ({ name, type: "datetime", precision: 3, isNullable: false });
const personFk = () => new TableForeignKey({ columnNames: ["person_id"], referencedTableName: "people", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/** The seeds' 日周月 defaults (seed 002/003). */
// Booleans as 0/1: a plain insert has no entity transformer, and both dialects read 0/1 as false/true.
const QUOTA_DEFAULTS = [
  { role: "inspector", period: "week", required: 1, inspection_kind: "enforcement", own_enterprises: 0 },
  { role: "deputy_leader", period: "week", required: 1, inspection_kind: null, own_enterprises: 0 },
  { role: "chief", period: "month", required: 1, inspection_kind: null, own_enterprises: 0 },
  { role: "admin_owner", period: "month", required: 2, inspection_kind: null, own_enterprises: 1 },
  { role: "dept_supervisor", period: "month", required: 2, inspection_kind: null, own_enterprises: 1 },
];

/** 红 monthly, 橙 every two months, 黄 quarterly, 蓝 half-yearly. */
const FREQUENCY_DEFAULTS = [
  { risk_level: "red", months: 1 },
  { risk_level: "orange", months: 2 },
  { risk_level: "yellow", months: 3 },
  { risk_level: "blue", months: 6 },
];

/** Leaders' digests (once per person and day), their settings, and the quota and frequency rules. */
export class Digests1765584000000 implements MigrationInterface {
  name = "Digests1765584000000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "digests",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "person_id", type: "integer", isNullable: false },
          { name: "day", type: "varchar", length: "10" },
          { name: "kind", type: "varchar", length: "8" },
          datetime("due_at"),
          datetime("sent_at"),
          { name: "late", type: "boolean" },
          { name: "outbox_message_id", type: "integer", isNullable: true },
          { name: "bytes", type: "integer" },
        ],
        // The exactly-once guarantee: a second instance's insert for the same leader and day fails here.
        indices: [new TableIndex({ name: "uq_digests_person_day", columnNames: ["person_id", "day", "kind"], isUnique: true })],
        foreignKeys: [personFk()],
      }),
    );
    await q.createTable(
      new Table({
        name: "digest_settings",
        columns: [{ name: "person_id", type: "integer", isPrimary: true }, { name: "enabled", type: "boolean" }, { name: "hour", type: "integer", isNullable: true }, datetime("updated_at")],
        foreignKeys: [personFk()],
      }),
    );
    await q.createTable(
      new Table({
        name: "quota_rules",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "role", type: "varchar", length: "32" },
          { name: "period", type: "varchar", length: "8" },
          { name: "required", type: "integer" },
          { name: "inspection_kind", type: "varchar", length: "16", isNullable: true },
          { name: "own_enterprises", type: "boolean" },
        ],
        indices: [new TableIndex({ name: "uq_quota_rules_role", columnNames: ["role"], isUnique: true })],
      }),
    );
    await q.createTable(
      new Table({
        name: "inspection_frequencies",
        columns: [{ name: "risk_level", type: "varchar", length: "8", isPrimary: true }, { name: "months", type: "integer" }],
      }),
    );
    // The default rows: plain parameterised INSERTs, the same SQL on SQLite and MariaDB. (The query
    // builder would map keys through today's entities, which a migration must not depend on.)
    for (const r of QUOTA_DEFAULTS) {
      await q.query("INSERT INTO quota_rules (role, period, required, inspection_kind, own_enterprises) VALUES (?, ?, ?, ?, ?)", [r.role, r.period, r.required, r.inspection_kind, r.own_enterprises]);
    }
    for (const f of FREQUENCY_DEFAULTS) await q.query("INSERT INTO inspection_frequencies (risk_level, months) VALUES (?, ?)", [f.risk_level, f.months]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("inspection_frequencies");
    await q.dropTable("quota_rules");
    await q.dropTable("digest_settings");
    await q.dropTable("digests");
  }
}
