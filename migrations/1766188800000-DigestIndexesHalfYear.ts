import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";

/** The indexes the digest's, the quotas' and the monthly report's queries read by (bench/README.md shows the plans). */
const INDEXES: [table: string, name: string, columns: string[]][] = [
  // New hazards of a day or a month, in a town's scope and (without a unit condition) the county's.
  ["hazards", "idx_hazards_unit_reported", ["unit_id", "reported_at"]],
  ["hazards", "idx_hazards_reported", ["reported_at"]],
  // Hazards closed yesterday (销号).
  ["hazards", "idx_hazards_closed", ["closed_at"]],
  // Overdue hazards of a town: open, past the deadline, in its units.
  ["hazards", "idx_hazards_unit_state_deadline", ["unit_id", "state", "deadline"]],
  // Yesterday's check-ins across the county.
  ["inspections", "idx_inspections_at", ["checked_in_at"]],
  ["tips", "idx_tips_reported", ["reported_at"]],
  ["callouts", "idx_callouts_sent", ["sent_at"]],
];

interface RuleRow {
  role: string;
  period: string;
  required: number;
  inspection_kind: string | null;
  own_enterprises: number | boolean;
}

const quotaRules = (unique: TableIndex) =>
  new Table({
    name: "quota_rules",
    columns: [
      { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
      { name: "role", type: "varchar", length: "32" },
      { name: "period", type: "varchar", length: "12" },
      { name: "required", type: "integer" },
      { name: "inspection_kind", type: "varchar", length: "16", isNullable: true },
      { name: "own_enterprises", type: "boolean" },
      { name: "each_enterprise", type: "boolean" },
    ],
    indices: [unique],
  });

/**
 * The digest's indexes, and the half-year rule of seed 002: 行政负责人 and 行业部门监管负责人 check
 * every one of their own enterprises each half-year, besides two a month. A role may now hold one
 * rule per period (unique role and period), and a rule may ask for each of the person's own
 * enterprises (`each_enterprise`). The rules table is rebuilt with its rows kept, as edited.
 */
export class DigestIndexesHalfYear1766188800000 implements MigrationInterface {
  name = "DigestIndexesHalfYear1766188800000";

  async up(q: QueryRunner): Promise<void> {
    for (const [table, name, columnNames] of INDEXES) await q.createIndex(table, new TableIndex({ name, columnNames }));

    const rows = (await q.query("SELECT role, period, required, inspection_kind, own_enterprises FROM quota_rules ORDER BY id")) as RuleRow[];
    await q.dropTable("quota_rules");
    await q.createTable(quotaRules(new TableIndex({ name: "uq_quota_rules_role_period", columnNames: ["role", "period"], isUnique: true })));
    const insert = "INSERT INTO quota_rules (role, period, required, inspection_kind, own_enterprises, each_enterprise) VALUES (?, ?, ?, ?, ?, ?)";
    // Booleans as 0/1: both dialects read them as false/true.
    for (const r of rows) await q.query(insert, [r.role, r.period, r.required, r.inspection_kind, Number(r.own_enterprises) ? 1 : 0, 0]);
    for (const role of ["admin_owner", "dept_supervisor"]) await q.query(insert, [role, "half_year", 1, null, 1, 1]);
  }

  async down(q: QueryRunner): Promise<void> {
    const rows = (await q.query("SELECT role, period, required, inspection_kind, own_enterprises FROM quota_rules WHERE period <> 'half_year' ORDER BY id")) as RuleRow[];
    await q.dropTable("quota_rules");
    const table = quotaRules(new TableIndex({ name: "uq_quota_rules_role", columnNames: ["role"], isUnique: true }));
    table.columns = table.columns.filter((c) => c.name !== "each_enterprise");
    const period = table.columns.find((c) => c.name === "period");
    if (period) period.length = "8";
    await q.createTable(table);
    const kept = new Set<string>();
    for (const r of rows) {
      if (kept.has(r.role)) continue;
      kept.add(r.role);
      await q.query("INSERT INTO quota_rules (role, period, required, inspection_kind, own_enterprises) VALUES (?, ?, ?, ?, ?)", [r.role, r.period, r.required, r.inspection_kind, Number(r.own_enterprises) ? 1 : 0]);
    }
    for (const [table, name] of [...INDEXES].reverse()) await q.dropIndex(table, name);
  }
}
