import { type ColumnTable, columnList, SHEETS } from "./columns";
import { KINDS, type Kind, type Rows } from "./model";
import type { RawTable } from "./readFiles";
import type { DirectoryRows } from "./writeWorkbook";

/** Rows written out as the cells of an in-memory workbook, named `<source>·单位` in problems. */
export function rowsToTables(rows: DirectoryRows, source: string): RawTable[] {
  return KINDS.map((kind, order) => table(kind, rows[kind], source, order));
}

function table<K extends Kind>(kind: K, rows: Rows[K][], source: string, order: number): RawTable {
  const columns = columnList(SHEETS[kind].columns as ColumnTable<Rows[K]>);
  return {
    kind,
    sheet: `${source}·${SHEETS[kind].sheet}`,
    order,
    header: columns.map((c) => c.column.header),
    rows: rows.map((row, i) => ({
      line: i + 2,
      cells: columns.map(({ key, column }) => {
        const value = column.write(row[key]);
        return value === null ? "" : String(value);
      }),
    })),
  };
}
