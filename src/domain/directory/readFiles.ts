import { basename, extname } from "node:path";
import { keyHeader, NOTES_SHEET, SHEETS } from "./columns";
import { decodeCsv, parseCsv } from "./csv";
import { KINDS, type Kind } from "./model";
import type { ProblemList } from "./problems";
import { readXlsx, type SheetText } from "./readXlsx";

/** A file handed to the import: its name (for messages and its type) and its bytes. */
export interface DirectoryFile {
  name: string;
  content: Uint8Array;
}

/** One sheet (or CSV file) of one kind, its header separated from its data rows. */
export interface RawTable {
  kind: Kind;
  /** How problems name it: `人员`, or `people.csv（人员）`. */
  sheet: string;
  order: number;
  header: string[];
  rows: { line: number; cells: string[] }[];
}

const KIND_BY_SHEET = new Map<string, Kind>(KINDS.map((k) => [SHEETS[k].sheet, k]));

/** `手机号*` and `手机号（必填）` are the same column as `手机号`. */
export const normalizeHeader = (h: string): string => h.trim().replace(/\s*([*＊]|[(（]必填[)）])$/, "");

/**
 * Reads every file into tables; files and sheets that cannot be read become problems. When a file
 * or sheet is unreadable every kind is marked `incomplete`, since its rows could have been any.
 */
export async function readTables(files: DirectoryFile[], problems: ProblemList, incomplete: Set<Kind>): Promise<RawTable[]> {
  const tables: RawTable[] = [];
  const before = problems.size;
  for (const [index, file] of files.entries()) {
    const name = basename(file.name);
    const ext = extname(name).toLowerCase();
    // Problems list file by file, and sheet by sheet within a workbook.
    const order = index * 100;
    if (ext === ".xlsx") tables.push(...(await readWorkbook(name, file.content, order, problems)));
    else if (ext === ".csv") tables.push(...readCsvFile(name, file.content, order, problems));
    else if (ext === ".xls") problems.sheet(name, order, "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入");
    else problems.sheet(name, order, "只支持 .xlsx 工作簿或 .csv 文件");
  }
  if (problems.size > before) for (const kind of KINDS) incomplete.add(kind);
  return tables;
}

async function readWorkbook(name: string, content: Uint8Array, order: number, problems: ProblemList): Promise<RawTable[]> {
  let sheets: SheetText[];
  try {
    sheets = await readXlsx(content);
  } catch {
    problems.sheet(name, order, "无法读取该文件：不是有效的 .xlsx 工作簿，或文件已损坏");
    return [];
  }
  const tables: RawTable[] = [];
  sheets.forEach((sheet, i) => {
    const kind = KIND_BY_SHEET.get(sheet.name);
    if (sheet.name === NOTES_SHEET || (kind === undefined && sheet.rows.length === 0)) return;
    if (kind === undefined) {
      problems.sheet(`${name}!${sheet.name}`, order + i, `无法识别的工作表“${sheet.name}”，工作表名应为：${KINDS.map((k) => SHEETS[k].sheet).join("、")}`);
      return;
    }
    tables.push(toTable(kind, sheet.name, order + i, sheet.rows));
  });
  if (tables.length === 0 && sheets.every((s) => KIND_BY_SHEET.get(s.name) === undefined)) {
    problems.sheet(name, order, `工作簿中没有名为 ${KINDS.map((k) => SHEETS[k].sheet).join("、")} 的工作表`);
  }
  return tables;
}

function readCsvFile(name: string, content: Uint8Array, order: number, problems: ProblemList): RawTable[] {
  const records = parseCsv(decodeCsv(content)).map((cells, i) => ({ line: i + 1, cells: cells.map((c) => c.trim()) }));
  const nonEmpty = records.filter((r) => r.cells.some((c) => c !== ""));
  const first = nonEmpty[0];
  const kind = first ? detectKind(first.cells) : undefined;
  if (first === undefined || first.line !== 1 || kind === undefined) {
    const expected = KINDS.map((k) => `${SHEETS[k].sheet}（含“${keyHeader(k)}”等列）`);
    problems.sheet(name, order, `无法从第 1 行的表头识别文件内容，表头应为以下之一的列名：${expected.join("；")}`);
    return [];
  }
  return [toTable(kind, `${name}（${SHEETS[kind].sheet}）`, order, nonEmpty)];
}

/** The kind whose headers the row shares most; undefined when it shares none. */
function detectKind(header: string[]): Kind | undefined {
  const names = new Set(header.map(normalizeHeader));
  let best: { kind: Kind; score: number } | undefined;
  for (const kind of KINDS) {
    const score = Object.values(SHEETS[kind].columns).filter((c) => names.has((c as { header: string }).header)).length;
    if (score > 0 && (best === undefined || score > best.score)) best = { kind, score };
  }
  return best?.kind;
}

function toTable(kind: Kind, sheet: string, order: number, rows: SheetText["rows"]): RawTable {
  const [first, ...data] = rows;
  const header = first && first.line === 1 ? first.cells.map(normalizeHeader) : [];
  return { kind, sheet, order, header, rows: first && first.line === 1 ? data : rows };
}
