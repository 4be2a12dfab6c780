import { checkDirectory, readDirectoryFiles } from "../../src/domain/directory";
import { csvText, PERSON_HEADER, smallCounty, workbookBytes } from "../support/directoryWorkbooks";

const county = smallCounty();
const csv = (sheet: string) => Buffer.from(csvText(county[sheet] ?? []));

describe("directory import: CSV files", () => {
  it("recognises each file's kind by its header, in any order, and reads them as one directory", async () => {
    const read = await readDirectoryFiles([
      { name: "企业.csv", content: csv("企业") },
      { name: "people.csv", content: csv("人员") },
      { name: "units.CSV", content: csv("单位") },
    ]);
    expect(checkDirectory(read)).toEqual([]);
    const { units, people, enterprises } = read.parsed.directory;
    expect([units.length, people.length, enterprises.length]).toEqual([4, 4, 2]);
    expect(people[0]?.row).toMatchObject({ mobile: "13900001001", roles: ["chief", "duty_leader"] });
  });

  it("mixes a workbook and CSV files in one import", async () => {
    const { 单位: units, 企业: enterprises } = county;
    const read = await readDirectoryFiles([
      { name: "名录.xlsx", content: await workbookBytes({ 单位: units ?? [], 企业: enterprises ?? [] }) },
      { name: "people.csv", content: csv("人员") },
    ]);
    expect(checkDirectory(read)).toEqual([]);
  });

  it("names the file and its kind in every problem", async () => {
    const rows = [PERSON_HEADER, ["13900001001", "周局长", "T", null, null, null, null, "是"], ["139", "坏号码", "T", null, null, null, null, "是"]];
    const read = await readDirectoryFiles([
      { name: "/data/import/units.csv", content: csv("单位") },
      { name: "/data/import/people.csv", content: Buffer.from(csvText(rows)) },
    ]);
    expect(checkDirectory(read)).toEqual([{ where: "people.csv（人员）!第3行:手机号", message: expect.stringContaining("应为 11 位大陆手机号") }]);
  });

  it("reads quoted fields with commas and quotes, and GBK files saved by Excel", async () => {
    const text = '单位编码,单位名称,单位类型,上级单位编码\r\nT,"测试县""应急""管理局, 新",县局,\r\n';
    const gbk = Buffer.from([
      // "单位编码,单位名称,单位类型,上级单位编码\nG,甲,县局,\n" in GBK
      ...[0xb5, 0xa5, 0xce, 0xbb, 0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0xb5, 0xa5, 0xce, 0xbb, 0xc3, 0xfb, 0xb3, 0xc6, 0x2c],
      ...[0xb5, 0xa5, 0xce, 0xbb, 0xc0, 0xe0, 0xd0, 0xcd, 0x2c, 0xc9, 0xcf, 0xbc, 0xb6, 0xb5, 0xa5, 0xce, 0xbb, 0xb1, 0xe0, 0xc2, 0xeb, 0x0a],
      ...[0x47, 0x2c, 0xbc, 0xd7, 0x2c, 0xcf, 0xd8, 0xbe, 0xd6, 0x2c, 0x0a],
    ]);
    const utf8 = await readDirectoryFiles([{ name: "a.csv", content: Buffer.from(text) }]);
    expect(utf8.parsed.directory.units[0]?.row.name).toBe('测试县"应急"管理局, 新');
    const fromExcel = await readDirectoryFiles([{ name: "b.csv", content: gbk }]);
    expect(checkDirectory(fromExcel)).toEqual([]);
    expect(fromExcel.parsed.directory.units[0]?.row).toEqual({ code: "G", name: "甲", kind: "bureau", parentCode: null });
  });
});
