import { loadConfig } from "../../src/config";
import { openDataSource } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { describeSchema } from "../support/schema";

describe(`schema (${backend()})`, () => {
  let stores: TestStores;

  beforeAll(async () => {
    stores = await openTestStores();
  });
  afterAll(() => stores.close());

  it("is exactly what the entities describe once the migrations have run", async () => {
    const pending = await stores.db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it("runs every migration once; running them again changes nothing", async () => {
    expect(await stores.db.dataSource.showMigrations()).toBe(false);
    expect(await stores.db.dataSource.runMigrations()).toEqual([]);
  });

  // The MariaDB project also holds the SQLite schema up against it; SQLite alone has nothing to compare with.
  if (backend() === "mysql")
    it("is the same on MariaDB as on SQLite", async () => {
    const sqlite = await openDataSource(loadConfig({ SQLITE_PATH: ":memory:" }), { migrate: true, entities });
    try {
      expect(await describeSchema(stores.db.dataSource)).toEqual(await describeSchema(sqlite));
    } finally {
      await sqlite.destroy();
    }
  });
});
