import { checkDirectory, readDirectoryFiles } from "../../src/domain/directory";
import { csvText, edit, PERSON_HEADER, type Sheets, smallCounty, UNIT_HEADER, workbookBytes } from "../support/directoryWorkbooks";

async function problemsOf(sheets: Sheets, name = "名录.xlsx") {
  return checkDirectory(await readDirectoryFiles([{ name, content: await workbookBytes(sheets) }]));
}

describe("directory import: sheets and headers", () => {
  it("accepts the small county without a single problem", async () => {
    expect(await problemsOf(smallCounty())).toEqual([]);
  });

  it("names the sheet, every missing column and every unknown one", async () => {
    const sheets = edit(smallCounty(), (s) => {
      // 手机号 renamed to 电话, 在职 dropped.
      s["人员"] = (s["人员"] ?? []).map((row) => [...row.slice(0, 7)]);
      (s["人员"]?.[0] as string[])[0] = "电话";
    });
    const problems = await problemsOf(sheets);
    expect(problems).toEqual([
      { where: "人员!第1行", message: "缺少必填列 手机号，以及列 在职（可留空，但列须保留）" },
      { where: "人员!第1行", message: expect.stringMatching(/^无法识别的列：电话；“人员”表可用的列：手机号、姓名、/) },
    ]);
  });

  it("reports a column that appears twice", async () => {
    const sheets = edit(smallCounty(), (s) => {
      s["单位"] = (s["单位"] ?? []).map((row) => [...row, row[1] ?? null]);
    });
    expect(await problemsOf(sheets)).toEqual([{ where: "单位!第1行", message: "列名重复：单位名称" }]);
  });

  it("reads headers marked as required with a star, and ignores blank rows and trailing blank columns", async () => {
    const sheets = edit(smallCounty(), (s) => {
      s["单位"] = [[...UNIT_HEADER.map((h, i) => (i < 3 ? `${h}*` : h)), null], ...(s["单位"] ?? []).slice(1, 3), [null, null, null, null], ...(s["单位"] ?? []).slice(3)];
    });
    const read = await readDirectoryFiles([{ name: "a.xlsx", content: await workbookBytes(sheets) }]);
    expect(checkDirectory(read)).toEqual([]);
    expect(read.parsed.directory.units.map((u) => u.at.line)).toEqual([2, 3, 5, 6]);
  });

  it("reports a sheet with an unknown name but skips empty default sheets and the 说明 sheet", async () => {
    const sheets = { ...smallCounty(), Sheet1: [], 说明: [["随便写点什么"]], 人员名单: [PERSON_HEADER] };
    expect(await problemsOf(sheets, "名录.xlsx")).toEqual([
      { where: "名录.xlsx!人员名单", message: "无法识别的工作表“人员名单”，工作表名应为：单位、人员、企业" },
    ]);
  });

  it("says so when a workbook has none of the three sheets", async () => {
    expect(await problemsOf({ Sheet1: [["a", "b"]] }, "空.xlsx")).toEqual([
      { where: "空.xlsx!Sheet1", message: "无法识别的工作表“Sheet1”，工作表名应为：单位、人员、企业" },
      { where: "空.xlsx", message: "工作簿中没有名为 单位、人员、企业 的工作表" },
    ]);
  });

  it("asks for the header in row 1 when the first row is empty", async () => {
    const sheets = { 单位: [[null, null], ...(smallCounty()["单位"] ?? [])] };
    const [first] = await problemsOf(sheets);
    expect(first).toEqual({ where: "单位!第1行", message: "第 1 行应为表头：单位编码、单位名称、单位类型、上级单位编码" });
  });

  it("refuses files that are not workbooks or CSV, naming each file", async () => {
    const read = await readDirectoryFiles([
      { name: "/tmp/坏文件.xlsx", content: Buffer.from("这不是压缩包") },
      { name: "旧格式.xls", content: Buffer.from("x") },
      { name: "名单.txt", content: Buffer.from("x") },
    ]);
    expect(checkDirectory(read)).toEqual([
      { where: "坏文件.xlsx", message: "无法读取该文件：不是有效的 .xlsx 工作簿，或文件已损坏" },
      { where: "旧格式.xls", message: "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入" },
      { where: "名单.txt", message: "只支持 .xlsx 工作簿或 .csv 文件" },
    ]);
  });

  it("refuses a CSV file whose header matches no kind, naming the file", async () => {
    const read = await readDirectoryFiles([{ name: "x.csv", content: Buffer.from(csvText([["甲", "乙"], ["1", "2"]])) }]);
    expect(checkDirectory(read)).toEqual([
      { where: "x.csv", message: expect.stringContaining("无法从第 1 行的表头识别文件内容") },
    ]);
  });
});
