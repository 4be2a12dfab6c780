import { CellError, type Column } from "./cells";
import { type ColumnTable, columnList, SHEETS } from "./columns";
import { type Directory, emptyDirectory, type Kind, type RowRef, type Rows } from "./model";
import type { ProblemList } from "./problems";
import type { RawTable } from "./readFiles";

/** Rows read from files, plus the keys of rows that failed, so a reference to them is not reported twice. */
export interface ParsedDirectory {
  directory: Directory;
  /** Keys (unit code, mobile, credit code) of rows that had a bad cell but a readable key. */
  brokenKeys: { [K in Kind]: Set<string> };
  /** Kinds of which some rows could not be read at all (bad header, unreadable file). */
  incomplete: Set<Kind>;
}

/** Checks each table's header, then reads every non-blank row through the column definitions. */
export function parseTables(tables: RawTable[], problems: ProblemList, incomplete = new Set<Kind>()): ParsedDirectory {
  const parsed: ParsedDirectory = {
    directory: emptyDirectory(),
    brokenKeys: { units: new Set(), people: new Set(), enterprises: new Set() },
    incomplete,
  };
  for (const table of tables) parseTable(table, parsed, problems);
  return parsed;
}

function parseTable<K extends Kind>(table: RawTable & { kind: K }, parsed: ParsedDirectory, problems: ProblemList): void {
  const spec = SHEETS[table.kind];
  const positions = checkHeader(table, spec.columns as ColumnTable<Rows[K]>, problems);
  if (positions === undefined) {
    parsed.incomplete.add(table.kind);
    return;
  }
  const columns = columnList(spec.columns as ColumnTable<Rows[K]>);
  const rows = parsed.directory[table.kind] as Directory[K];
  for (const raw of table.rows) {
    if (raw.cells.every((c) => c === "")) continue;
    const at: RowRef = { sheet: table.sheet, line: raw.line, order: table.order };
    const row: Partial<Rows[K]> = {};
    let ok = true;
    columns.forEach(({ key, column }, i) => {
      try {
        row[key] = column.read(raw.cells[positions[i] as number] ?? "");
      } catch (err) {
        if (!(err instanceof CellError)) throw err;
        problems.at(at, column.header, err.message, i + 1);
        ok = false;
      }
    });
    const key = row[spec.key as keyof Rows[K]];
    if (ok) rows.push({ row: row as Rows[K], at });
    else if (typeof key === "string") parsed.brokenKeys[table.kind].add(key);
    // A row whose identity is unreadable could be what any reference means.
    else parsed.incomplete.add(table.kind);
  }
}

/**
 * Where each column sits in the table, or undefined when the header is unusable. Every column must
 * be present (an absent optional column would otherwise silently clear stored values); unknown and
 * repeated headers are reported too.
 */
function checkHeader<R>(table: RawTable, columns: ColumnTable<R>, problems: ProblemList): number[] | undefined {
  const where = `${table.sheet}!第1行`;
  const list = columnList(columns);
  if (table.header.every((h) => h === "")) {
    problems.sheet(where, table.order, `第 1 行应为表头：${list.map((c) => c.column.header).join("、")}`);
    return undefined;
  }
  const known = new Set(list.map((c) => c.column.header));
  const unknown = table.header.filter((h) => h !== "" && !known.has(h));
  const repeated = [...new Set(table.header.filter((h, i) => h !== "" && table.header.indexOf(h) !== i))];
  const missing = list.map((c) => c.column).filter((c: Column<unknown>) => !table.header.includes(c.header));
  if (missing.length > 0) {
    const required = missing.filter((c) => c.required).map((c) => c.header);
    const other = missing.filter((c) => !c.required).map((c) => c.header);
    const parts = [required.length ? `必填列 ${required.join("、")}` : "", other.length ? `列 ${other.join("、")}（可留空，但列须保留）` : ""];
    problems.sheet(where, table.order, `缺少${parts.filter(Boolean).join("，以及")}`);
  }
  if (unknown.length > 0) problems.sheet(where, table.order, `无法识别的列：${unknown.join("、")}；“${SHEETS[table.kind].sheet}”表可用的列：${[...known].join("、")}`);
  if (repeated.length > 0) problems.sheet(where, table.order, `列名重复：${repeated.join("、")}`);
  if (missing.length > 0 || repeated.length > 0) return undefined;
  return list.map((c) => table.header.indexOf(c.column.header));
}

