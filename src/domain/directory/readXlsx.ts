import ExcelJS from "exceljs";

/** One sheet's cells as text, row 1 being the header; rows keep the numbers the spreadsheet shows. */
export interface SheetText {
  name: string;
  rows: { line: number; cells: string[] }[];
}

/** Reads every sheet of an .xlsx file; throws when the bytes are not a readable workbook. */
export async function readXlsx(content: Uint8Array): Promise<SheetText[]> {
  const workbook = new ExcelJS.Workbook();
  // exceljs types its input as an ArrayBuffer but reads any Node buffer.
  await workbook.xlsx.load(Buffer.from(content) as unknown as ExcelJS.Buffer);
  return workbook.worksheets.map((sheet) => {
    const rows: SheetText["rows"] = [];
    const width = sheet.columnCount;
    sheet.eachRow({ includeEmpty: false }, (row, line) => {
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value).trim());
      rows.push({ line, cells });
    });
    return { name: sheet.name.trim(), rows };
  });
}

/** The text a person sees in a cell, whatever exceljs made of it (rich text, links, formulas). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "是" : "否";
  if (value instanceof Date) return value.toISOString();
  if ("richText" in value) return value.richText.map((r) => r.text).join("");
  if ("hyperlink" in value) return cellText(value.text as ExcelJS.CellValue);
  if ("formula" in value || "sharedFormula" in value) return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ("error" in value) return String(value.error);
  return "";
}
