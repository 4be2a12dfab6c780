import { readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { checkDirectory, directoryTemplate, readDirectoryFiles, SHEETS, templateRows } from "../../src/domain/directory";
import { ENTERPRISE_HEADER, PERSON_HEADER, UNIT_HEADER } from "../support/directoryWorkbooks";

const committed = join(__dirname, "../../docs/directory-template.xlsx");

describe("directory template", () => {
  it("has the three sheets with the documented headers, and a notes sheet describing every column", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await directoryTemplate()) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["单位", "人员", "企业", "说明"]);
    const header = (name: string) => (workbook.getWorksheet(name)?.getRow(1).values as unknown[]).slice(1);
    expect(header("单位")).toEqual(UNIT_HEADER);
    expect(header("人员")).toEqual(PERSON_HEADER);
    expect(header("企业")).toEqual(ENTERPRISE_HEADER);
    const notes: unknown[] = [];
    workbook.getWorksheet("说明")?.eachRow((row) => notes.push(row.getCell(2).value));
    expect(notes).toEqual(expect.arrayContaining([...UNIT_HEADER, ...PERSON_HEADER, ...ENTERPRISE_HEADER]));
  });

  it("imports cleanly: its example rows are valid and read back as written", async () => {
    const read = await readDirectoryFiles([{ name: "模板.xlsx", content: await directoryTemplate() }]);
    expect(checkDirectory(read)).toEqual([]);
    expect(read.parsed.directory.units.map((s) => s.row)).toEqual(templateRows.units);
    expect(read.parsed.directory.people.map((s) => s.row)).toEqual(templateRows.people);
    expect(read.parsed.directory.enterprises.map((s) => s.row)).toEqual(templateRows.enterprises);
  });

  it("is committed under docs/ as generated (regenerate: node dist/src/cli/export.js --template docs/directory-template.xlsx)", async () => {
    const read = await readDirectoryFiles([{ name: "directory-template.xlsx", content: readFileSync(committed) }]);
    expect(checkDirectory(read)).toEqual([]);
    expect(read.parsed.directory.people.map((s) => s.row)).toEqual(templateRows.people);
    expect(read.parsed.directory.enterprises.map((s) => s.row)).toEqual(templateRows.enterprises);
  });
});

describe("directory docs", () => {
  const docs = readFileSync(join(__dirname, "../../docs/directory-import.md"), "utf8");

  it.each(["units", "people", "enterprises"] as const)("list every %s column as the import defines it, required or not", (kind) => {
    const { sheet, columns } = SHEETS[kind];
    const section = docs.split(`### ${sheet}\n`)[1]?.split("###")[0] ?? "";
    const documented = [...section.matchAll(/^\| ([^|]+) \| (是|否) \| ([^|]+) \|/gm)].map((m) => [m[1], m[2] === "是", m[3]]);
    expect(documented).toEqual(Object.values(columns).map((c: { header: string; required: boolean; hint: string }) => [c.header, c.required, c.hint]));
  });
});
