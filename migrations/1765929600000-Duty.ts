import { type MigrationInterface, type QueryRunner, Table, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const int = (name: string, nullable = false) => ({ name, type: "integer", isNullable: nullable });
const varchar = (name: string, length: number, nullable = false) => ({ name, type: "varchar", length: String(length), isNullable: nullable });
const id = { name: "id", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" as const };
const index = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });

/** 值班值守: shifts, the duty log, spot checks, swaps, calendar links and critical periods. */
export class Duty1765929600000 implements MigrationInterface {
  name = "Duty1765929600000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "duty_shifts",
        columns: [
          id,
          int("unit_id"),
          int("person_id"),
          varchar("role", 16),
          datetime("start_at"),
          datetime("end_at"),
          int("served_by_id", true),
          datetime("confirmed_at", true),
          datetime("checked_in_at", true),
          { name: "check_in_latitude", type: "double", isNullable: true },
          { name: "check_in_longitude", type: "double", isNullable: true },
          datetime("location_asked_at", true),
          varchar("handover_note", 1000, true),
          datetime("created_at"),
          datetime("updated_at"),
        ],
        indices: [
          index("idx_duty_shifts_unit_start", ["unit_id", "start_at"]),
          index("idx_duty_shifts_person_start", ["person_id", "start_at"]),
          index("idx_duty_shifts_served_start", ["served_by_id", "start_at"]),
          index("idx_duty_shifts_end", ["end_at"]),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "duty_log",
        columns: [id, int("shift_id"), int("unit_id"), int("person_id", true), varchar("kind", 24), datetime("at"), varchar("text", 1000)],
        indices: [index("idx_duty_log_unit_at", ["unit_id", "at"]), index("idx_duty_log_shift", ["shift_id"])],
      }),
    );
    await q.createTable(
      new Table({
        name: "duty_spot_checks",
        columns: [id, int("shift_id"), int("requested_by_id", true), datetime("sent_at"), datetime("due_at"), datetime("answered_at", true)],
        indices: [index("idx_duty_spot_checks_shift", ["shift_id"])],
      }),
    );
    await q.createTable(
      new Table({
        name: "duty_swaps",
        columns: [id, int("shift_id"), int("from_person_id"), int("to_person_id"), varchar("state", 16), datetime("asked_at"), datetime("answered_at", true)],
        indices: [index("idx_duty_swaps_to", ["to_person_id", "state"])],
      }),
    );
    await q.createTable(
      new Table({
        name: "duty_calendar_links",
        columns: [{ ...int("person_id"), isPrimary: true }, varchar("token", 64), datetime("created_at")],
        indices: [index("uq_duty_calendar_links_token", ["token"], true)],
      }),
    );
    await q.createTable(
      new Table({
        name: "duty_critical_periods",
        columns: [id, varchar("kind", 16), varchar("name", 100), int("unit_id", true), datetime("starts_at"), datetime("ends_at"), varchar("source", 100), datetime("created_at")],
        indices: [index("idx_duty_critical_periods_span", ["starts_at", "ends_at"]), index("uq_duty_critical_periods_source", ["source"], true)],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ["duty_critical_periods", "duty_calendar_links", "duty_swaps", "duty_spot_checks", "duty_log", "duty_shifts"]) await q.dropTable(table);
  }
}
