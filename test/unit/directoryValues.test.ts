import { checkDirectory, readDirectoryFiles } from "../../src/domain/directory";
import { CREDIT, edit, type Sheets, smallCounty, workbookBytes } from "../support/directoryWorkbooks";

async function read(sheets: Sheets) {
  return readDirectoryFiles([{ name: "名录.xlsx", content: await workbookBytes(sheets) }]);
}

/** Sets one cell (row 1 is the header) of a copy of the small county. */
function withCell(sheet: string, row: number, column: number, value: string | number | null): Sheets {
  return edit(smallCounty(), (s) => {
    (s[sheet]?.[row - 1] as (string | number | null)[])[column] = value;
  });
}

async function problemsWith(sheet: string, row: number, column: number, value: string | number | null) {
  return checkDirectory(await read(withCell(sheet, row, column, value)));
}

describe("directory import: cell values", () => {
  it("stores codes, not labels, and normalises what people type", async () => {
    const sheets = edit(smallCounty(), (s) => {
      const people = s["人员"] as (string | number | null)[][];
      (people[1] as (string | number | null)[])[0] = "+86 139-0000-1001";
      (people[1] as (string | number | null)[])[3] = "带班领导, 主要负责人、带班领导";
      (people[1] as (string | number | null)[])[7] = "否";
      (people[2] as (string | number | null)[])[0] = 13900001002;
      const enterprises = s["企业"] as (string | number | null)[][];
      (enterprises[1] as (string | number | null)[])[0] = CREDIT[0].toLowerCase();
      (enterprises[1] as (string | number | null)[])[6] = "104.12345678";
      const units = s["单位"] as (string | number | null)[][];
      (units[2] as (string | number | null)[])[0] = "t-a";
    });
    const r = await read(edit(sheets, (s) => {
      ((s["人员"] as (string | number | null)[][])[2] as (string | number | null)[])[2] = "t-a";
    }));
    expect(checkDirectory(r)).toEqual([]);
    const [chief, deputy] = r.parsed.directory.people.map((p) => p.row);
    expect(chief).toMatchObject({ mobile: "13900001001", roles: ["chief", "duty_leader"], active: false, superiorMobile: null, dingtalkUserId: null });
    expect(deputy).toMatchObject({ mobile: "13900001002", unitCode: "T-A", active: true });
    expect(r.parsed.directory.units.map((u) => [u.row.code, u.row.kind])).toEqual([["T", "bureau"], ["T-A", "department"], ["T-Z", "town"], ["T-Z-1", "village"]]);
    const [gas] = r.parsed.directory.enterprises.map((e) => e.row);
    expect(gas).toMatchObject({ creditCode: CREDIT[0], industry: "gas", scale: "small", riskLevel: "orange", longitude: 104.123457, latitude: 31.2 });
  });

  it.each([
    ["人员", 3, 0, "1390000100", "人员!第3行:手机号", "应为 11 位大陆手机号（1 开头，第二位为 3–9）"],
    ["人员", 3, 1, null, "人员!第3行:姓名", "必填，不能为空"],
    ["人员", 3, 1, "张".repeat(51), "人员!第3行:姓名", "过长：最多 50 个字，实际 51 个"],
    ["人员", 3, 3, "科长、监管人员", "人员!第3行:角色", expect.stringMatching(/^未知的取值“科长”，可选：管理员、监管人员/)],
    ["人员", 3, 4, "12345", "人员!第3行:上级手机号", "应为 11 位大陆手机号（1 开头，第二位为 3–9）"],
    ["人员", 3, 5, "吴 科长", "人员!第3行:企业微信账号", "只能由字母、数字和 _ - @ . 组成，最长 64 位"],
    ["人员", 3, 7, "在", "人员!第3行:在职", "应为“是”或“否”"],
    ["单位", 3, 0, "T A", "单位!第3行:单位编码", "只能包含字母、数字、下划线、点和连字符，最长 64 位"],
    ["单位", 3, 2, "大队", "单位!第3行:单位类型", "“大队”不是可选值，应为：县局、科室、执法中队、镇街、村社区"],
    ["企业", 2, 0, "91519901MA6T0001", "企业!第2行:统一社会信用代码", "统一社会信用代码应为 18 位，实际为 16 位"],
    ["企业", 2, 0, "91519901MA6T0O0128", "企业!第2行:统一社会信用代码", "统一社会信用代码含有不允许的字符“O”（不使用 I、O、S、V、Z）"],
    ["企业", 2, 0, "91519901MA6T000129", "企业!第2行:统一社会信用代码", "统一社会信用代码校验位不正确，请核对是否抄错"],
    ["企业", 2, 0, 915199010000001000, "企业!第2行:统一社会信用代码", expect.stringContaining("请先把该列设为“文本”格式")],
    ["企业", 2, 2, "餐饮", "企业!第2行:行业", expect.stringMatching(/^“餐饮”不是可选值，应为：燃气、建筑施工/)],
    ["企业", 2, 3, "中型", "企业!第2行:规模", "“中型”不是可选值，应为：规上、小微"],
    ["企业", 2, 4, "紫", "企业!第2行:风险等级", "“紫”不是可选值，应为：红、橙、黄、蓝"],
    ["企业", 2, 6, 31.2, "企业!第2行:经度", "应在 73～136 之间（中国境内），请检查是否与纬度填反"],
    ["企业", 2, 7, "北纬31度", "企业!第2行:纬度", "应为数字（度，小数形式）"],
    ["企业", 2, 8, null, "企业!第2行:监管单位编码", "必填，不能为空"],
  ])("%s row %i column %i = %p is reported at %s", async (sheet, row, column, value, where, message) => {
    expect(await problemsWith(sheet, row, column, value)).toEqual([{ where, message }]);
  });

  it("collects every problem of a file at once, in reading order", async () => {
    const sheets = edit(smallCounty(), (s) => {
      const people = s["人员"] as (string | number | null)[][];
      (people[3] as (string | number | null)[])[7] = "也许";
      (people[1] as (string | number | null)[])[0] = "12";
      (people[1] as (string | number | null)[])[1] = null;
      ((s["单位"] as (string | number | null)[][])[4] as (string | number | null)[])[2] = "村";
      ((s["企业"] as (string | number | null)[][])[2] as (string | number | null)[])[4] = "黑";
    });
    expect((await checkDirectory(await read(sheets))).map((p) => p.where)).toEqual([
      "单位!第5行:单位类型",
      "人员!第2行:手机号",
      "人员!第2行:姓名",
      "人员!第4行:在职",
      "企业!第3行:风险等级",
    ]);
  });

  it("does not repeat a bad row's problem as a broken reference elsewhere", async () => {
    // 河口镇 has a bad type: the people and the enterprise that name T-Z are not reported again.
    const problems = await problemsWith("单位", 4, 2, "乡镇");
    expect(problems).toEqual([{ where: "单位!第4行:单位类型", message: expect.stringContaining("“乡镇”不是可选值") }]);
  });

  it("never repeats a mobile number in a message", async () => {
    const problems = await problemsWith("人员", 3, 4, "13900009999");
    expect(problems).toEqual([{ where: "人员!第3行:上级手机号", message: "该手机号在本文件和系统中都找不到对应人员" }]);
    expect(JSON.stringify(problems)).not.toContain("13900009999");
  });
});
