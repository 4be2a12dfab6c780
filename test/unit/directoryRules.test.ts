import { OrgUnit, Person } from "../../src/db/entities";
import { checkDirectory, readDirectoryFiles, StoredDirectory } from "../../src/domain/directory";
import { CREDIT, edit, ENTERPRISE_HEADER, PERSON_HEADER, type Sheets, smallCounty, UNIT_HEADER, workbookBytes } from "../support/directoryWorkbooks";

type Row = (string | number | null)[];

async function problemsOf(sheets: Sheets, stored?: StoredDirectory) {
  return checkDirectory(await readDirectoryFiles([{ name: "名录.xlsx", content: await workbookBytes(sheets) }]), stored);
}

function addRows(sheet: string, ...rows: Row[]): Sheets {
  return edit(smallCounty(), (s) => void (s[sheet] as Row[]).push(...rows));
}

const unit = (id: number, code: string, kind: OrgUnit["kind"], parentId: number | null, path: string) =>
  Object.assign(new OrgUnit(), { id, code, name: `已有${code}`, kind, parentId, path });
const person = (id: number, mobile: string, name: string, unitId: number, extra: Partial<Person> = {}) =>
  Object.assign(new Person(), { id, mobile, name, unitId, roles: [], superiorId: null, preferredChannel: null, active: true, ...extra });
/** Person #id's WeChat Work account, as person_accounts holds it. */
const wecom = (personId: number, accountId: string) => ({ personId, channel: "wecom" as const, accountId });

/** A directory already holding the county 老县 with one office and its clerk. */
function storedCounty(): StoredDirectory {
  return new StoredDirectory(
    [unit(1, "OLD", "bureau", null, "/1/"), unit(2, "OLD-B", "department", 1, "/1/2/")],
    [person(1, "13700000001", "老王", 2)],
    [],
    [wecom(1, "laowang")],
  );
}

describe("directory import: rules across rows", () => {
  it("reports two people with the same mobile on the later row", async () => {
    const problems = await problemsOf(addRows("人员", ["13900001002", "另一个人", "T", null, null, null, null, null]));
    expect(problems).toEqual([{ where: "人员!第6行:手机号", message: "手机号与第3行重复，同一手机号只能出现一次" }]);
  });

  it("reports duplicate unit codes and credit codes", async () => {
    const sheets = edit(addRows("单位", ["t-a", "重复科", "科室", "T"]), (s) => {
      (s["企业"] as Row[]).push([CREDIT[1], "又一家", "工贸", "小微", "蓝", null, null, null, "T-Z", null, null, null, null]);
    });
    expect(await problemsOf(sheets)).toEqual([
      { where: "单位!第6行:单位编码", message: "单位编码与第3行重复，同一单位编码只能出现一次" },
      { where: "企业!第4行:统一社会信用代码", message: "统一社会信用代码与第3行重复，同一统一社会信用代码只能出现一次" },
    ]);
  });

  it("reports one WeChat Work id on two people (whatever the case) on both rows, and against stored people", async () => {
    const sheets = edit(smallCounty(), (s) => {
      ((s["人员"] as Row[])[2] as Row)[5] = "ZhouJZ";
      ((s["人员"] as Row[])[4] as Row)[5] = "laowang";
    });
    const stored = new StoredDirectory([], [person(9, "13700000001", "老王", 1)], [], [wecom(9, "laowang")]);
    expect(await problemsOf(sheets, stored)).toEqual([
      { where: "人员!第2行:企业微信账号", message: "企业微信账号“zhoujz”已被第3行（吴科长）使用，一个账号只能对应一个人" },
      { where: "人员!第3行:企业微信账号", message: "企业微信账号“ZhouJZ”已被第2行（周局长）使用，一个账号只能对应一个人" },
      { where: "人员!第5行:企业微信账号", message: "企业微信账号“laowang”已被系统中的“老王”使用，一个账号只能对应一个人" },
    ]);
  });

  it("reports unknown units, superiors and responsible people", async () => {
    const sheets = edit(smallCounty(), (s) => {
      ((s["人员"] as Row[])[2] as Row)[2] = "T-X";
      ((s["人员"] as Row[])[3] as Row)[4] = "13900001099";
      ((s["单位"] as Row[])[2] as Row)[3] = "NOPE";
      ((s["企业"] as Row[])[1] as Row)[8] = "T-Q";
      ((s["企业"] as Row[])[2] as Row)[11] = "13900001098";
    });
    expect(await problemsOf(sheets)).toEqual([
      { where: "单位!第3行:上级单位编码", message: "上级单位编码“NOPE”在本文件和系统中都不存在" },
      { where: "人员!第3行:所属单位编码", message: "所属单位编码“T-X”在本文件和系统中都不存在" },
      { where: "人员!第4行:上级手机号", message: "该手机号在本文件和系统中都找不到对应人员" },
      { where: "企业!第2行:监管单位编码", message: "监管单位编码“T-Q”在本文件和系统中都不存在" },
      { where: "企业!第3行:企业单位负责人手机号", message: "企业单位负责人的手机号在本文件和系统中都找不到对应人员" },
    ]);
  });

  it("resolves references against the stored directory too", async () => {
    const sheets = {
      人员: [PERSON_HEADER, ["13900002001", "新同事", "old-b", "监管人员", "13700000001", null, null, null]],
      企业: [ENTERPRISE_HEADER, [CREDIT[2], "老县砖厂", "工贸", "小微", "黄", null, null, null, "OLD", "13700000001", null, "13900002001", null]],
    };
    expect(await problemsOf(sheets, storedCounty())).toEqual([]);
    expect(await problemsOf(sheets)).toHaveLength(4);
  });

  it("reports a cycle in the unit tree on every row in it", async () => {
    const sheets = edit(smallCounty(), (s) => {
      ((s["单位"] as Row[])[3] as Row)[3] = "T-Z-1";
    });
    expect(await problemsOf(sheets)).toEqual([
      { where: "单位!第4行:上级单位编码", message: "上级关系形成环：T-Z → T-Z-1 → T-Z" },
      { where: "单位!第5行:上级单位编码", message: "上级关系形成环：T-Z-1 → T-Z → T-Z-1" },
    ]);
  });

  it("reports a unit that is its own parent", async () => {
    const sheets = edit(smallCounty(), (s) => void (((s["单位"] as Row[])[2] as Row)[3] = "T-A"));
    expect(await problemsOf(sheets)).toEqual([{ where: "单位!第3行:上级单位编码", message: "上级单位不能是本单位自己" }]);
  });

  it("reports a cycle made with a stored unit", async () => {
    // The file hangs OLD (stored root) under its own descendant.
    const sheets = { 单位: [UNIT_HEADER, ["OLD", "老县应急管理局", "县局", "OLD-B"]] };
    const problems = await problemsOf(sheets, storedCounty());
    expect(problems).toContainEqual({ where: "单位!第2行:上级单位编码", message: "上级关系形成环：OLD → OLD-B → OLD" });
  });

  it("reports a cycle in the superior chain", async () => {
    const sheets = edit(smallCounty(), (s) => void (((s["人员"] as Row[])[1] as Row)[4] = "13900001003"));
    expect(await problemsOf(sheets)).toEqual([
      { where: "人员!第2行:上级手机号", message: "上级关系形成环：周局长 → 郑镇长 → 周局长" },
      { where: "人员!第4行:上级手机号", message: "上级关系形成环：郑镇长 → 周局长 → 郑镇长" },
    ]);
  });

  it("reports a person who is their own superior", async () => {
    const sheets = edit(smallCounty(), (s) => void (((s["人员"] as Row[])[1] as Row)[4] = "13900001001"));
    expect(await problemsOf(sheets)).toEqual([{ where: "人员!第2行:上级手机号", message: "上级不能是本人" }]);
  });

  it("refuses a second root, in the file or next to the stored one", async () => {
    const twoRoots = addRows("单位", ["T2", "另一个县局", "县局", null]);
    expect(await problemsOf(twoRoots)).toEqual([
      { where: "单位!第2行:上级单位编码", message: "单位树只能有一个根单位，另有根单位：另一个县局（T2）；请填写上级单位编码" },
      { where: "单位!第6行:上级单位编码", message: "单位树只能有一个根单位，另有根单位：测试县应急管理局（T）；请填写上级单位编码" },
    ]);
    expect(await problemsOf(smallCounty(), storedCounty())).toContainEqual({
      where: "单位!第2行:上级单位编码",
      message: "单位树只能有一个根单位，另有根单位：已有OLD（OLD，系统中已有）；请填写上级单位编码",
    });
  });

  it("keeps the tree's shape: a 县局 root, villages under towns", async () => {
    const sheets = edit(smallCounty(), (s) => {
      ((s["单位"] as Row[])[1] as Row)[2] = "科室";
      ((s["单位"] as Row[])[4] as Row)[3] = "T-A";
      (s["单位"] as Row[]).push(["T-B", "第二个县局", "县局", "T"]);
    });
    expect(await problemsOf(sheets)).toEqual([
      { where: "单位!第2行:单位类型", message: "根单位（不填上级单位编码）的类型应为县局" },
      { where: "单位!第5行:上级单位编码", message: "村社区“河口村”的上级应为镇街，而“综合科”是科室" },
      { where: "单位!第6行:单位类型", message: "县局是单位树的根，不能有上级单位" },
    ]);
  });

  it("reports a stored village left under a unit whose type the file changes", async () => {
    const stored = new StoredDirectory([unit(1, "T", "bureau", null, "/1/"), unit(2, "T-Z", "town", 1, "/1/2/"), unit(3, "V", "village", 2, "/1/2/3/")], [], []);
    const sheets = { 单位: [UNIT_HEADER, ["T-Z", "河口镇", "科室", "T"]] };
    expect(await problemsOf(sheets, stored)).toEqual([{ where: "单位!第2行:单位类型", message: "村社区“已有V”的上级应为镇街，而“河口镇”是科室" }]);
  });

  it("judges the tree's shape only where the file changes it, so a looser stored tree still imports back", async () => {
    // Contact sync may have put a village straight under an office.
    const stored = new StoredDirectory([unit(1, "T", "bureau", null, "/1/"), unit(2, "T-A", "department", 1, "/1/2/"), unit(3, "V", "village", 2, "/1/2/3/")], [], []);
    const unchanged = { 单位: [UNIT_HEADER, ["T", "已有T", "县局", null], ["T-A", "已有T-A", "科室", "T"], ["V", "已有V", "村社区", "T-A"]] };
    expect(await problemsOf(unchanged, stored)).toEqual([]);
    const newVillage = { 单位: [UNIT_HEADER, ["V2", "新村", "村社区", "T-A"]] };
    expect(await problemsOf(newVillage, stored)).toEqual([{ where: "单位!第2行:上级单位编码", message: "村社区“新村”的上级应为镇街，而“已有T-A”是科室" }]);
  });
});
