import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";

/** Test workbooks for the directory import, written the way a person would fill them in. */
export type Cell = string | number | null;
export type Sheets = Record<string, Cell[][]>;

export const UNIT_HEADER = ["单位编码", "单位名称", "单位类型", "上级单位编码"];
export const PERSON_HEADER = ["手机号", "姓名", "所属单位编码", "角色", "上级手机号", "企业微信账号", "钉钉账号", "在职"];
export const ENTERPRISE_HEADER = [
  "统一社会信用代码", "企业名称", "行业", "规模", "风险等级", "地址", "经度", "纬度",
  "监管单位编码", "行政负责人手机号", "行业部门监管负责人手机号", "企业单位负责人手机号", "在营",
];

/** Valid credit codes (check character included). */
export const CREDIT = ["91519901MA6T000128", "91519901MA6T000203", "91519901MA6T000390", "91519901MA6T00047T"] as const;

/** A small but complete county: 4 units, 4 people, 2 enterprises; it imports cleanly. */
export function smallCounty(): Sheets {
  return {
    单位: [
      UNIT_HEADER,
      ["T", "测试县应急管理局", "县局", null],
      ["T-A", "综合科", "科室", "T"],
      ["T-Z", "河口镇", "镇街", "T"],
      ["T-Z-1", "河口村", "村社区", "T-Z"],
    ],
    人员: [
      PERSON_HEADER,
      ["13900001001", "周局长", "T", "主要负责人、带班领导", null, "zhoujz", null, "是"],
      ["13900001002", "吴科长", "T-A", "行业部门监管负责人", "13900001001", "wukz", null, "是"],
      ["13900001003", "郑镇长", "T-Z", "行政负责人", "13900001001", "zhengzz", "dt_zheng", null],
      ["13900001004", "钱老板", "T-Z-1", "企业单位负责人", null, null, null, "是"],
    ],
    企业: [
      ENTERPRISE_HEADER,
      [CREDIT[0], "河口燃气站", "燃气", "小微", "橙", "河口村1号", 104.5, 31.2, "T-Z", "13900001003", "13900001002", "13900001004", "是"],
      [CREDIT[1], "河口化工厂", "危化品", "规上", "红", null, null, null, "T-A", "13900001001", "13900001002", "13900001004", null],
    ],
  };
}

/** The workbook as bytes. */
export async function workbookBytes(sheets: Sheets): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Writes the workbook into a fresh directory under the system's temp dir and returns its path. */
export async function workbookFile(sheets: Sheets, name = "directory.xlsx"): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), "anshao-dir-")), name);
  writeFileSync(path, await workbookBytes(sheets));
  return path;
}

/** One sheet as CSV text (quoted where needed), as Excel's “CSV UTF-8” would save it. */
export function csvText(rows: Cell[][]): string {
  const quote = (c: Cell) => {
    const s = c === null ? "" : String(c);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\ufeff${rows.map((r) => r.map(quote).join(",")).join("\r\n")}\r\n`;
}

/** A deep copy of a county to change one cell without touching the original. */
export function edit(sheets: Sheets, change: (s: Sheets) => void): Sheets {
  const copy = JSON.parse(JSON.stringify(sheets)) as Sheets;
  change(copy);
  return copy;
}
