import { type MigrationInterface, type QueryRunner, TableIndex } from "typeorm";

type IndexRow = [table: string, name: string, columns: string[]];

/**
 * Covering indexes for the digest's county-wide grouped counts (bench/README.md, 每日简报与月报, shows the
 * plans at a million hazards): each holds every column its query reads, so the count runs in the index
 * and never visits the table's rows. Each replaces an index that is its leading part.
 */
const REPLACED: [old: IndexRow, covering: IndexRow][] = [
  // Overdue and red (重大/挂牌督办) hazards per unit; the nudge ladder reads the same leading columns.
  [["hazards", "idx_hazards_state_deadline", ["state", "deadline"]], ["hazards", "idx_hazards_open_deadline", ["state", "deadline", "unit_id", "level", "listed_for_supervision"]]],
  // Each unit's overdue hazards, most overdue first (the worst five, the red ones), without visiting their rows.
  [["hazards", "idx_hazards_unit_state_deadline", ["unit_id", "state", "deadline"]], ["hazards", "idx_hazards_unit_open", ["unit_id", "state", "deadline", "level", "listed_for_supervision"]]],
  // New hazards of a day or a week per unit and level.
  [["hazards", "idx_hazards_reported", ["reported_at"]], ["hazards", "idx_hazards_reported_unit", ["reported_at", "unit_id", "level"]]],
  // Hazards closed (销号) in a day or a week per unit.
  [["hazards", "idx_hazards_closed", ["closed_at"]], ["hazards", "idx_hazards_closed_unit", ["closed_at", "unit_id"]]],
  // Check-ins of a day or a week per unit (ranking, 周调度).
  [["inspections", "idx_inspections_at", ["checked_in_at"]], ["inspections", "idx_inspections_at_unit", ["checked_in_at", "unit_id"]]],
];

/** Added alongside: the 日周月 quota count reads the kind and the enterprise of each person's check-ins. */
const ADDED: IndexRow[] = [["inspections", "idx_inspections_inspector_kind", ["inspector_id", "checked_in_at", "kind", "enterprise_id"]]];

const index = ([, name, columnNames]: IndexRow) => new TableIndex({ name, columnNames });

export class DigestCoveringIndexes1766280000000 implements MigrationInterface {
  name = "DigestCoveringIndexes1766280000000";

  async up(q: QueryRunner): Promise<void> {
    for (const [old, covering] of REPLACED) {
      await q.createIndex(covering[0], index(covering));
      await q.dropIndex(old[0], old[1]);
    }
    for (const added of ADDED) await q.createIndex(added[0], index(added));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const added of [...ADDED].reverse()) await q.dropIndex(added[0], added[1]);
    for (const [old, covering] of [...REPLACED].reverse()) {
      await q.createIndex(old[0], index(old));
      await q.dropIndex(covering[0], covering[1]);
    }
  }
}
