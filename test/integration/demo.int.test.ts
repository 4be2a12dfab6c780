import { ManualClock } from "../../src/clock";
import { AuditEntry, Enterprise, OrgUnit, Person } from "../../src/db/entities";
import { loadDemo, loadDemoIfEmpty } from "../../src/domain/demo/loadDemo";
import { exportDirectory, importDirectoryFiles } from "../../src/domain/directory";
import { industries, riskLevels, roles } from "../../src/domain/org/vocabulary";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { smallCounty, workbookBytes } from "../support/directoryWorkbooks";
import { wecomIds } from "../support/accounts";

describe(`the demo county (${backend()})`, () => {
  let stores: TestStores;
  const clock = new ManualClock("2026-03-02T00:00:00Z");

  beforeAll(async () => {
    stores = await openTestStores();
  });
  afterAll(() => stores.close());

  it("loads a whole county into an empty directory", async () => {
    const result = await loadDemoIfEmpty(stores.db, clock);
    expect(result).toMatchObject({ loaded: true, units: 21, people: 62, enterprises: 40 });
    const m = stores.db.manager;
    const units = await m.find(OrgUnit);
    expect(units.filter((u) => u.kind === "bureau").map((u) => u.name)).toEqual(["青禾县应急管理局"]);
    expect(units.filter((u) => u.kind === "town")).toHaveLength(3);
    expect(units.filter((u) => u.kind === "village")).toHaveLength(12);
    expect(units.some((u) => u.kind === "squad") && units.some((u) => u.kind === "department")).toBe(true);

    const people = await m.find(Person);
    const held = await wecomIds(m);
    expect(people).toHaveLength(62);
    expect(new Set(people.flatMap((p) => p.roles))).toEqual(new Set(roles.codes));
    expect(people.every((p) => /^1390000\d{4}$/.test(p.mobile) && held.has(p.id))).toBe(true);
    expect(people.filter((p) => p.superiorId !== null).length).toBeGreaterThan(40);

    const enterprises = await m.find(Enterprise);
    expect(enterprises).toHaveLength(40);
    expect(new Set(enterprises.map((e) => e.riskLevel))).toEqual(new Set(riskLevels.codes));
    expect(new Set(enterprises.map((e) => e.industry))).toEqual(new Set(industries.codes));
    expect(new Set(enterprises.map((e) => e.scale))).toEqual(new Set(["designated", "small"]));
    expect(enterprises.every((e) => e.adminOwnerId && e.supervisorOwnerId && e.enterpriseOwnerId)).toBe(true);
    // Everything within about 15 km of the county centre.
    expect(enterprises.every((e) => Math.abs((e.longitude ?? 0) - 104.62) < 0.15 && Math.abs((e.latitude ?? 0) - 31.48) < 0.15)).toBe(true);
    expect(await m.countBy(AuditEntry, { actor: "demo", action: "create" })).toBe(21 + 62 + 40);
  });

  it("changes nothing when loaded again, whichever way", async () => {
    const audits = await stores.db.manager.count(AuditEntry);
    expect(await loadDemoIfEmpty(stores.db, clock)).toMatchObject({ loaded: false });
    expect((await loadDemo(stores.db, clock)).summary).toEqual({
      units: { created: 0, updated: 0, unchanged: 21 },
      people: { created: 0, updated: 0, unchanged: 62 },
      enterprises: { created: 0, updated: 0, unchanged: 40 },
    });
    expect(await stores.db.manager.count(AuditEntry)).toBe(audits);
  });

  it("exports to a workbook that imports back unchanged", async () => {
    const { content } = await exportDirectory(stores.db);
    const summary = await importDirectoryFiles(stores.db, clock, [{ name: "青禾县.xlsx", content }]);
    expect(Object.values(summary).every((c) => c.created === 0 && c.updated === 0)).toBe(true);
  });

  it("is not loaded next to a county that is already there", async () => {
    const other = await openTestStores();
    try {
      await importDirectoryFiles(other.db, clock, [{ name: "a.xlsx", content: await workbookBytes(smallCounty()) }]);
      expect(await loadDemoIfEmpty(other.db, clock)).toMatchObject({ loaded: false });
      await expect(loadDemo(other.db, clock)).rejects.toMatchObject({ code: "import_invalid" });
      expect(await other.db.manager.count(OrgUnit)).toBe(4);
    } finally {
      await other.close();
    }
  });
});
