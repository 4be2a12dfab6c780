import { ManualClock } from "../../src/clock";
import { Enterprise, OrgUnit, Person } from "../../src/db/entities";
import { importDirectoryFiles } from "../../src/domain/directory";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { csvText, smallCounty } from "../support/directoryWorkbooks";

describe(`directory import from CSV files (${backend()})`, () => {
  let stores: TestStores;
  const clock = new ManualClock();

  beforeAll(async () => {
    stores = await openTestStores();
  });
  afterAll(() => stores.close());

  const county = smallCounty();
  const file = (name: string, sheet: string) => ({ name, content: Buffer.from(csvText(county[sheet] ?? [])) });

  it("loads one kind per file, the files given in any order, in one transaction", async () => {
    const files = [file("enterprises.csv", "企业"), file("people.csv", "人员"), file("units.csv", "单位")];
    expect(await importDirectoryFiles(stores.db, clock, files)).toEqual({
      units: { created: 4, updated: 0, unchanged: 0 },
      people: { created: 4, updated: 0, unchanged: 0 },
      enterprises: { created: 2, updated: 0, unchanged: 0 },
    });
    expect(await stores.db.manager.count(Person)).toBe(4);
    expect(await importDirectoryFiles(stores.db, clock, files)).toMatchObject({ people: { unchanged: 4 } });
  });

  it("writes nothing when one of several files is bad", async () => {
    const before = [await stores.db.manager.count(OrgUnit), await stores.db.manager.count(Enterprise)];
    const units = ["单位编码,单位名称,单位类型,上级单位编码", "T,测试县应急管理局,县局,", "T-N,新镇,镇街,T"].join("\n");
    const badEnterprises = csvText([(county["企业"] ?? [])[0] ?? [], ["91519901MA6T000390", "新厂", "工贸", "小微", "蓝", null, null, null, "T-N", null, null, "139", null]]);
    await expect(
      importDirectoryFiles(stores.db, clock, [{ name: "units.csv", content: Buffer.from(units) }, { name: "e.csv", content: Buffer.from(badEnterprises) }]),
    ).rejects.toMatchObject({ details: { problems: [{ where: "e.csv（企业）!第2行:企业单位负责人手机号" }] } });
    expect([await stores.db.manager.count(OrgUnit), await stores.db.manager.count(Enterprise)]).toEqual(before);
  });
});
