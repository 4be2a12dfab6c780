import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// The tables are made with the schema builder; the rows carried over are copied with plain
// INSERT … SELECT / UPDATE statements that SQLite and MySQL/MariaDB read alike (no dialect SQL).
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const ref = (name: string, nullable = false) => ({ name, type: "integer", isNullable: nullable });
const fk = (column: string, table: string) =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" });

/**
 * One escalation engine: `escalations` (a policy's run on a case, the policy copied onto it) and
 * `escalation_steps` (each step taken, once). The overdue ladder's `hazard_nudges` move over:
 * each (hazard, deadline) becomes a run whose steps are the nudges taken, due at once, so the
 * first tick after the upgrade takes whatever is left of a running ladder — and nothing twice.
 * Every sent, closed or cancelled 叫应 gets its run (anchored on its send time) and its
 * `callout_steps` become the run's steps, so a campaign running during the upgrade goes on where
 * it was. Runs carried over have no policy yet: the tick copies it on (the configured ladder; a
 * campaign's own settings, fixed since it was sent).
 */
export class Escalations1765411200000 implements MigrationInterface {
  name = "Escalations1765411200000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "escalations",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "case_kind", type: "varchar", length: "16" },
          ref("case_id"),
          datetime("anchor_at"),
          { name: "policy", type: "text", isNullable: true },
          { name: "state", type: "varchar", length: "16" },
          datetime("next_action_at", true),
          datetime("started_at"),
          datetime("ended_at", true),
        ],
        indices: [
          // A start happens once: a second instance's insert of the same run is ignored.
          new TableIndex({ name: "uq_escalations_case", columnNames: ["case_kind", "case_id", "anchor_at"], isUnique: true }),
          // The tick's due work.
          new TableIndex({ name: "idx_escalations_due", columnNames: ["case_kind", "next_action_at"] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "escalation_steps",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          ref("escalation_id"),
          { name: "case_kind", type: "varchar", length: "16" },
          ref("case_id"),
          ref("recipient_id"),
          { name: "step", type: "varchar", length: "32" },
          datetime("taken_at"),
          { name: "outcome", type: "varchar", length: "16" },
          ref("target_person_id", true),
        ],
        indices: [
          // The exactly-once guarantee: a second tick's insert of the same step fails here.
          new TableIndex({ name: "uq_escalation_steps_step", columnNames: ["escalation_id", "recipient_id", "step"], isUnique: true }),
          new TableIndex({ name: "idx_escalation_steps_case", columnNames: ["case_kind", "case_id"] }),
        ],
        foreignKeys: [fk("escalation_id", "escalations"), fk("target_person_id", "people")],
      }),
    );
    await this.carryLadders(q);
    await q.dropTable("hazard_nudges");
    await this.carryCallouts(q);
    await q.dropTable("callout_steps");
  }

  /** Every campaign ever sent as a run anchored on its send time, its steps as the run's steps. */
  private async carryCallouts(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO escalations (case_kind, case_id, anchor_at, policy, state, next_action_at, started_at, ended_at)
       SELECT 'callout', id, sent_at, NULL,
              CASE state WHEN 'sent' THEN 'active' WHEN 'closed' THEN 'done' ELSE 'cancelled' END,
              CASE WHEN state = 'sent' THEN deadline_at ELSE NULL END, sent_at, closed_at
       FROM callouts WHERE sent_at IS NOT NULL ORDER BY id`,
    );
    await q.query(
      `INSERT INTO escalation_steps (escalation_id, case_kind, case_id, recipient_id, step, taken_at, outcome, target_person_id)
       SELECT e.id, 'callout', s.callout_id, s.recipient_id, s.step, s.at, 'sent', s.target_person_id
       FROM callout_steps s INNER JOIN escalations e ON e.case_kind = 'callout' AND e.case_id = s.callout_id
       ORDER BY s.id`,
    );
  }

  /** Every (hazard, deadline) of the old ladder as a run due now, its nudges as the run's steps. */
  private async carryLadders(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO escalations (case_kind, case_id, anchor_at, policy, state, next_action_at, started_at, ended_at)
       SELECT 'hazard', hazard_id, deadline, NULL, 'active', MIN(sent_at), MIN(sent_at), NULL FROM hazard_nudges GROUP BY hazard_id, deadline`,
    );
    await q.query(
      `INSERT INTO escalation_steps (escalation_id, case_kind, case_id, recipient_id, step, taken_at, outcome, target_person_id)
       SELECT e.id, 'hazard', n.hazard_id, 0, n.step, n.sent_at, CASE WHEN n.skipped <> 0 THEN 'skipped' ELSE 'sent' END, NULL
       FROM hazard_nudges n INNER JOIN escalations e ON e.case_kind = 'hazard' AND e.case_id = n.hazard_id AND e.anchor_at = n.deadline
       ORDER BY n.id`,
    );
    // A ladder with all four steps taken is over; the others are due so the first tick resumes them.
    await q.query(
      `UPDATE escalations SET state = 'done', next_action_at = NULL, ended_at = started_at
       WHERE case_kind = 'hazard' AND (SELECT COUNT(*) FROM escalation_steps s WHERE s.escalation_id = escalations.id) >= 4`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "callout_steps",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          ref("callout_id"),
          ref("recipient_id"),
          { name: "step", type: "varchar", length: "16" },
          datetime("at"),
          ref("target_person_id", true),
        ],
        indices: [new TableIndex({ name: "uq_callout_steps_step", columnNames: ["callout_id", "recipient_id", "step"], isUnique: true })],
        foreignKeys: [fk("callout_id", "callouts"), fk("recipient_id", "callout_recipients"), fk("target_person_id", "people")],
      }),
    );
    await q.query(
      `INSERT INTO callout_steps (callout_id, recipient_id, step, at, target_person_id)
       SELECT case_id, recipient_id, step, taken_at, target_person_id FROM escalation_steps WHERE case_kind = 'callout' ORDER BY id`,
    );
    await q.createTable(
      new Table({
        name: "hazard_nudges",
        columns: [
          { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "hazard_id", type: "integer", isNullable: false },
          { name: "step", type: "varchar", length: "16" },
          datetime("deadline"),
          datetime("sent_at"),
          { name: "skipped", type: "boolean" },
        ],
        indices: [new TableIndex({ name: "uq_hazard_nudges_step", columnNames: ["hazard_id", "step", "deadline"], isUnique: true })],
        foreignKeys: [fk("hazard_id", "hazards")],
      }),
    );
    await q.query(
      `INSERT INTO hazard_nudges (hazard_id, step, deadline, sent_at, skipped)
       SELECT s.case_id, s.step, e.anchor_at, s.taken_at, CASE WHEN s.outcome = 'skipped' THEN 1 ELSE 0 END
       FROM escalation_steps s INNER JOIN escalations e ON e.id = s.escalation_id WHERE s.case_kind = 'hazard' ORDER BY s.id`,
    );
    await q.dropTable("escalation_steps");
    await q.dropTable("escalations");
  }
}
