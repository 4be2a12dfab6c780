import ExcelJS from "exceljs";
import type { FieldProblem } from "../../errors";
import { parseLocalTime } from "./time";
import { dutyRoles, type DutyRole } from "./vocabulary";

/** The roster template: one sheet 排班, these headers in this order (docs/duty-roster.md). */
export const ROSTER_SHEET = "排班";
export const ROSTER_HEADERS = ["单位编码", "姓名", "手机号", "角色", "开始时间", "结束时间"] as const;

/** One roster line as read, before the directory is consulted. */
export interface RosterLine {
  line: number;
  unit: string;
  name: string;
  mobile: string;
  /** Null where the cell was unreadable (its problem is reported already). */
  role: DutyRole | null;
  start: Date | null;
  end: Date | null;
}

/** A cell as a person reads it; a date cell's wall-clock fields are the roster's local time. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "是" : "否";
  if (value instanceof Date) return value.toISOString().slice(0, 16).replace("T", " ");
  if ("richText" in value) return value.richText.map((r) => r.text).join("").trim();
  if ("formula" in value || "sharedFormula" in value) return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ("text" in value) return cellText(value.text as ExcelJS.CellValue);
  return "";
}

const where = (line: number, column: string) => `${ROSTER_SHEET}!第${line}行:${column}`;

/**
 * Reads the roster workbook: every line or every problem, each problem named as
 * `排班!第7行:开始时间`. Nothing is looked up here; the directory checks come next (rosterImport.ts).
 */
export async function readRoster(content: Uint8Array): Promise<{ lines: RosterLine[]; problems: FieldProblem[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(content) as unknown as ExcelJS.Buffer);
  } catch {
    return { lines: [], problems: [{ where: "文件", message: "不是有效的 Excel（.xlsx）文件，请使用 docs/duty-roster-template.xlsx 模板" }] };
  }
  const sheet = workbook.worksheets.find((s) => s.name.trim() === ROSTER_SHEET);
  if (!sheet) return { lines: [], problems: [{ where: ROSTER_SHEET, message: `缺少名为“${ROSTER_SHEET}”的工作表` }] };
  const header = ROSTER_HEADERS.map((_, i) => cellText(sheet.getRow(1).getCell(i + 1).value));
  const missing = ROSTER_HEADERS.filter((h, i) => header[i] !== h);
  if (missing.length) return { lines: [], problems: [{ where: `${ROSTER_SHEET}!第1行`, message: `表头应依次为：${ROSTER_HEADERS.join("、")}` }] };
  const lines: RosterLine[] = [];
  const problems: FieldProblem[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const cells = ROSTER_HEADERS.map((_, i) => cellText(row.getCell(i + 1).value));
    if (cells.every((c) => c === "")) return;
    const [unit, name, mobile, roleText, startText, endText] = cells as [string, string, string, string, string, string];
    const need = (value: string, column: string) => {
      if (!value) problems.push({ where: where(line, column), message: "必填" });
    };
    need(unit, "单位编码");
    need(name, "姓名");
    if (!/^1\d{10}$/.test(mobile)) problems.push({ where: where(line, "手机号"), message: mobile ? "应为 11 位手机号" : "必填" });
    const role = dutyRoles.parse(roleText);
    if (!role) problems.push({ where: where(line, "角色"), message: `应为 ${dutyRoles.choices()}` });
    const start = parseLocalTime(startText);
    if (!start) problems.push({ where: where(line, "开始时间"), message: startText ? "应为 2026-03-02 08:00 形式的时间" : "必填" });
    const end = parseLocalTime(endText);
    if (!end) problems.push({ where: where(line, "结束时间"), message: endText ? "应为 2026-03-02 08:00 形式的时间" : "必填" });
    // A line with unreadable cells is still checked against the directory: every problem at once.
    lines.push({ line, unit, name, mobile, role: role ?? null, start, end });
  });
  if (lines.length === 0 && problems.length === 0) problems.push({ where: ROSTER_SHEET, message: "表中没有排班" });
  return { lines, problems };
}

/** The empty template as bytes (docs/duty-roster-template.xlsx is this with two example lines). */
export async function rosterTemplate(examples: readonly (readonly string[])[] = []): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(ROSTER_SHEET);
  sheet.addRow([...ROSTER_HEADERS]);
  for (const row of examples) sheet.addRow([...row]);
  sheet.columns.forEach((c) => (c.width = 20));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export { where as rosterWhere };

/** Problems in reading order: by line, then by the template's column order. */
export function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  const rank = (p: FieldProblem) => {
    const m = /第(\d+)行(?::(.+))?$/.exec(p.where);
    return m ? Number(m[1]) * 10 + (m[2] ? ROSTER_HEADERS.indexOf(m[2] as (typeof ROSTER_HEADERS)[number]) + 1 : 0) : -1;
  };
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
