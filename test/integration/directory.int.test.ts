import { ManualClock } from "../../src/clock";
import type { Database } from "../../src/db/Database";
import { AuditEntry, Enterprise, OrgUnit, Person } from "../../src/db/entities";
import { exportDirectory, importDirectoryFiles } from "../../src/domain/directory";
import type { AppError } from "../../src/errors";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { CREDIT, edit, type Sheets, smallCounty, workbookBytes } from "../support/directoryWorkbooks";
import { accountOf } from "../../src/domain/org/accounts";

type Row = (string | number | null)[];

describe(`directory import (${backend()})`, () => {
  let stores: TestStores;
  let db: Database;
  const clock = new ManualClock("2026-03-02T01:00:00Z");

  beforeEach(async () => {
    stores = await openTestStores();
    db = stores.db;
  });
  afterEach(() => stores.close());

  const importSheets = async (sheets: Sheets, name = "名录.xlsx") => importDirectoryFiles(db, clock, [{ name, content: await workbookBytes(sheets) }]);
  const counts = async () => [await db.manager.count(OrgUnit), await db.manager.count(Person), await db.manager.count(Enterprise), await db.manager.count(AuditEntry)];
  const unitByCode = (code: string) => db.manager.findOneByOrFail(OrgUnit, { code });
  const personByMobile = (mobile: string) => db.manager.findOneByOrFail(Person, { mobile });

  it("stores units with their tree paths, people with their superiors, enterprises with their three responsible people", async () => {
    const summary = await importSheets(smallCounty());
    expect(summary).toEqual({
      units: { created: 4, updated: 0, unchanged: 0 },
      people: { created: 4, updated: 0, unchanged: 0 },
      enterprises: { created: 2, updated: 0, unchanged: 0 },
    });
    const [root, town, village] = [await unitByCode("T"), await unitByCode("T-Z"), await unitByCode("T-Z-1")];
    expect(root).toMatchObject({ kind: "bureau", parentId: null, path: `/${root.id}/` });
    expect(village).toMatchObject({ kind: "village", parentId: town.id, path: `/${root.id}/${town.id}/${village.id}/` });

    const [chief, supervisor, mayor, owner] = await Promise.all(["13900001001", "13900001002", "13900001003", "13900001004"].map(personByMobile));
    expect(chief).toMatchObject({ name: "周局长", unitId: root.id, roles: ["chief", "duty_leader"], superiorId: null, active: true });
    expect(await accountOf(db.manager, chief.id, "wecom")).toBe("zhoujz");
    expect(mayor).toMatchObject({ superiorId: chief?.id, roles: ["admin_owner"] });
    expect(await accountOf(db.manager, mayor.id, "dingtalk")).toBe("dt_zheng");

    const gas = await db.manager.findOneByOrFail(Enterprise, { creditCode: CREDIT[0] });
    expect(gas).toMatchObject({ industry: "gas", scale: "small", riskLevel: "orange", longitude: 104.5, latitude: 31.2, supervisingUnitId: town.id });
    expect([gas.adminOwnerId, gas.supervisorOwnerId, gas.enterpriseOwnerId]).toEqual([mayor?.id, supervisor?.id, owner?.id]);

    const audit = await db.manager.find(AuditEntry, { where: { entityType: "person", entityId: String(mayor?.id) } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "import", action: "create", before: null, at: clock.now() });
    expect(JSON.parse(audit[0]?.after ?? "{}")).toMatchObject({ name: "郑镇长", superiorId: chief?.id });
  });

  it("changes nothing and writes no audit line when the same file is imported again", async () => {
    await importSheets(smallCounty());
    const before = await counts();
    const stamp = (await personByMobile("13900001002")).updatedAt;
    clock.advance(60_000);
    expect(await importSheets(smallCounty())).toEqual({
      units: { created: 0, updated: 0, unchanged: 4 },
      people: { created: 0, updated: 0, unchanged: 4 },
      enterprises: { created: 0, updated: 0, unchanged: 2 },
    });
    expect(await counts()).toEqual(before);
    expect((await personByMobile("13900001002")).updatedAt).toEqual(stamp);
  });

  it("writes nothing at all when one row is bad, even in a file that also changes good rows", async () => {
    await importSheets(smallCounty());
    const before = await counts();
    const sheets = edit(smallCounty(), (s) => {
      ((s["人员"] as Row[])[1] as Row)[1] = "周新局长";
      (s["单位"] as Row[]).push(["T-Z-2", "新村", "村社区", "T-Z"]);
      ((s["企业"] as Row[])[2] as Row)[4] = "紫";
    });
    const error = (await importSheets(sheets).catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ code: "import_invalid", status: 400, message: "导入文件有 1 处问题，未写入任何数据" });
    expect(error.details).toEqual({ problems: [{ where: "企业!第3行:风险等级", message: "“紫”不是可选值，应为：红、橙、黄、蓝" }] });
    expect(await counts()).toEqual(before);
    expect((await personByMobile("13900001001")).name).toBe("周局长");
  });

  it("stores nothing from a first file with one bad row", async () => {
    const sheets = edit(smallCounty(), (s) => void (((s["人员"] as Row[])[3] as Row)[2] = "T-NOWHERE"));
    await expect(importSheets(sheets)).rejects.toMatchObject({ code: "import_invalid" });
    expect(await counts()).toEqual([0, 0, 0, 0]);
  });

  it("updates one changed person with one audit line holding only the changed fields", async () => {
    await importSheets(smallCounty());
    const audits = await db.manager.count(AuditEntry);
    clock.advance(3_600_000);
    const sheets = edit(smallCounty(), (s) => {
      const row = (s["人员"] as Row[])[2] as Row;
      row[1] = "吴处长";
      row[3] = "行业部门监管负责人、监管人员";
    });
    expect(await importSheets(sheets)).toMatchObject({ people: { created: 0, updated: 1, unchanged: 3 }, units: { updated: 0 }, enterprises: { updated: 0 } });
    const person = await personByMobile("13900001002");
    expect(person).toMatchObject({ name: "吴处长", roles: ["inspector", "dept_supervisor"], updatedAt: clock.now() });
    const lines = await db.manager.find(AuditEntry, { order: { id: "ASC" } });
    expect(lines).toHaveLength(audits + 1);
    const last = lines[lines.length - 1] as AuditEntry;
    expect(last).toMatchObject({ actor: "import", action: "update", entityType: "person", entityId: String(person.id) });
    expect(JSON.parse(last.before ?? "")).toEqual({ name: "吴科长", roles: ["dept_supervisor"] });
    expect(JSON.parse(last.after ?? "")).toEqual({ name: "吴处长", roles: ["inspector", "dept_supervisor"] });
  });

  it("moves a unit with its whole subtree, recomputing every path", async () => {
    await importSheets(smallCounty());
    // 河口镇 moves under 综合科 (its village follows), then back.
    const moved = edit(smallCounty(), (s) => void (((s["单位"] as Row[])[3] as Row)[3] = "T-A"));
    expect((await importSheets(moved)).units).toEqual({ created: 0, updated: 2, unchanged: 2 });
    const [root, office, town, village] = await Promise.all(["T", "T-A", "T-Z", "T-Z-1"].map(unitByCode));
    expect(village?.path).toBe(`/${root?.id}/${office?.id}/${town?.id}/${village?.id}/`);
    const audit = await db.manager.findOneByOrFail(AuditEntry, { entityType: "org_unit", entityId: String(village?.id), action: "update" });
    expect(JSON.parse(audit.after ?? "")).toEqual({ path: village?.path });
    // A file naming only the town still carries the village, which it does not list, along.
    const back = { 单位: [(smallCounty()["单位"] as Row[])[0] as Row, ["T-Z", "河口镇", "镇街", "T"]] };
    expect((await importSheets(back)).units).toEqual({ created: 0, updated: 2, unchanged: 0 });
    expect((await unitByCode("T-Z-1")).path).toBe(`/${root?.id}/${town?.id}/${village?.id}/`);
  });

  it("lets a WeChat Work id move from one person to another in one file", async () => {
    await importSheets(smallCounty());
    const sheets = edit(smallCounty(), (s) => {
      ((s["人员"] as Row[])[1] as Row)[5] = null;
      ((s["人员"] as Row[])[4] as Row)[5] = "zhoujz";
    });
    expect((await importSheets(sheets)).people).toEqual({ created: 0, updated: 2, unchanged: 2 });
    expect(await accountOf(db.manager, (await personByMobile("13900001004")).id, "wecom")).toBe("zhoujz");
    expect(await accountOf(db.manager, (await personByMobile("13900001001")).id, "wecom")).toBeNull();
  });

  it("adds people to stored units from a later file, and refuses a second county next to the first", async () => {
    await importSheets(smallCounty());
    const later = { 人员: [(smallCounty()["人员"] as Row[])[0] as Row, ["13900001005", "新网格员", "T-Z-1", "网格员", "13900001003", null, null, null]] };
    expect((await importSheets(later)).people).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const other = { 单位: [(smallCounty()["单位"] as Row[])[0] as Row, ["U", "另一县应急管理局", "县局", null]] };
    await expect(importSheets(other)).rejects.toMatchObject({ details: { problems: [{ where: "单位!第2行:上级单位编码" }] } });
    expect(await db.manager.count(OrgUnit)).toBe(4);
  });

  it("exports a workbook that imports back without a single change", async () => {
    await importSheets(smallCounty());
    await importSheets(edit(smallCounty(), (s) => void (((s["企业"] as Row[])[1] as Row)[6] = 104.123456)));
    const before = await counts();
    const { content, counts: exported } = await exportDirectory(db);
    expect(exported).toEqual({ units: 4, people: 4, enterprises: 2 });
    expect(await importDirectoryFiles(db, clock, [{ name: "导出.xlsx", content }])).toEqual({
      units: { created: 0, updated: 0, unchanged: 4 },
      people: { created: 0, updated: 0, unchanged: 4 },
      enterprises: { created: 0, updated: 0, unchanged: 2 },
    });
    expect(await counts()).toEqual(before);
  });
});
