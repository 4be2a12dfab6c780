import ExcelJS from "exceljs";
import type { Column } from "./cells";
import { type ColumnTable, columnList, NOTES_SHEET, SHEETS } from "./columns";
import { KINDS, type Kind, type Rows } from "./model";

/** Plain rows of every kind, as an export or a template holds them. */
export type DirectoryRows = { [K in Kind]: Rows[K][] };

const REQUIRED_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFCE4D6" } };
const OPTIONAL_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEDEDED" } };

/**
 * The directory workbook: one sheet per kind with the Chinese headers of the column definitions,
 * then a 说明 sheet describing every column. Import reads exactly this format back.
 */
export async function writeWorkbook(rows: DirectoryRows, notes: string[] = []): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "安哨";
  for (const kind of KINDS) addSheet(workbook, kind, rows[kind]);
  addNotes(workbook, notes);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSheet<K extends Kind>(workbook: ExcelJS.Workbook, kind: K, rows: Rows[K][]): void {
  const columns = columnList(SHEETS[kind].columns as ColumnTable<Rows[K]>);
  const sheet = workbook.addWorksheet(SHEETS[kind].sheet, { views: [{ state: "frozen", ySplit: 1 }] });
  // Text format keeps mobiles and codes from turning into numbers when someone edits the file.
  sheet.columns = columns.map(({ key, column }) => ({
    key,
    header: column.header,
    width: Math.max(12, column.header.length * 2 + 4),
    style: column.numeric ? {} : { numFmt: "@" },
  }));
  columns.forEach(({ column }, i) => {
    const cell = sheet.getRow(1).getCell(i + 1);
    cell.font = { bold: true };
    cell.fill = column.required ? REQUIRED_FILL : OPTIONAL_FILL;
    cell.note = `${column.required ? "必填" : "选填"}：${column.hint}`;
  });
  for (const row of rows) sheet.addRow(columns.map(({ key, column }) => column.write(row[key])));
}

function addNotes(workbook: ExcelJS.Workbook, notes: string[]): void {
  const sheet = workbook.addWorksheet(NOTES_SHEET);
  sheet.columns = [{ width: 14 }, { width: 26 }, { width: 8 }, { width: 70 }];
  const lines = [
    "导入时读取名为“单位”“人员”“企业”的工作表，本“说明”表不会被导入。橙色表头为必填列，灰色为选填列（列须保留，内容可留空）。",
    ...notes,
  ];
  for (const line of lines) sheet.addRow([line]);
  sheet.addRow([]);
  sheet.addRow(["工作表", "列名", "必填", "填写说明"]).font = { bold: true };
  for (const kind of KINDS) {
    for (const { column } of columnList(SHEETS[kind].columns as ColumnTable<Rows[Kind]>) as { column: Column<unknown> }[]) {
      sheet.addRow([SHEETS[kind].sheet, column.header, column.required ? "是" : "否", column.hint]);
    }
  }
}
