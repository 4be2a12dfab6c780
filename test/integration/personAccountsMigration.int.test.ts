import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataSource } from "typeorm";
import type { Config } from "../../src/config";
import { buildDataSourceOptions } from "../../src/db/dataSource";
import { entities } from "../../src/features";
import { migrations } from "../../migrations";
import { PersonAccounts1765238400000 } from "../../migrations/1765238400000-PersonAccounts";
import { backend, dropTestDatabase, testConfig } from "../support/backend";

/** A data source that knows only `list` of the migrations, as a deployment of that release would. */
function dataSourceWith(config: Config, list: readonly (typeof migrations)[number][]): DataSource {
  // The MariaDB test server is MariaDB; the catalogue flavour matters to TypeORM's schema reads.
  const options = buildDataSourceOptions(config, entities, backend() === "mysql" ? "mariadb" : "mysql");
  return new DataSource({ ...options, migrations: [...list] });
}

describe(`person_accounts migration keeps every account (${backend()})`, () => {
  // One SQLite file per run: the migration is run by two data sources in turn.
  const file = join(tmpdir(), `anshao-accounts-${randomBytes(6).toString("hex")}.sqlite`);
  let config: Config;
  const T = "2026-11-20 08:00:00.000";

  beforeAll(async () => {
    config = await testConfig(backend() === "embedded" ? { SQLITE_PATH: file } : {});
  });
  afterAll(async () => {
    await dropTestDatabase(config);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  });

  it("copies WeChat Work and DingTalk ids into person_accounts, drops the columns, and restores them on the way down", async () => {
    const last = migrations.indexOf(PersonAccounts1765238400000);
    expect(last).toBeGreaterThan(0);
    const before = dataSourceWith(config, migrations.slice(0, last));
    await before.initialize();
    try {
      await before.runMigrations({ transaction: "each" });
      await before.query(`INSERT INTO org_units (code, name, kind, parent_id, path, created_at, updated_at) VALUES ('T', '迁移县', 'bureau', NULL, '/1/', '${T}', '${T}')`);
      const people = [
        ["周局长", "13900001001", "'ZhouJZ'", "NULL", "NULL"],
        ["郑镇长", "13900001002", "'zhengzz'", "'dt_zheng'", "1"],
        ["钱村长", "13900001003", "NULL", "'dt_qian'", "2"],
        ["孙委员", "13900001004", "NULL", "NULL", "2"],
      ];
      for (const [name, mobile, wecom, ding, superior] of people) {
        await before.query(
          `INSERT INTO people (name, mobile, unit_id, roles, superior_id, wecom_user_id, dingtalk_user_id, active, created_at, updated_at)
           VALUES ('${name}', '${mobile}', 1, '', ${superior}, ${wecom}, ${ding}, 1, '${T}', '${T}')`,
        );
      }
    } finally {
      await before.destroy();
    }

    // The release that brought person_accounts: later migrations are theirs to test.
    const after = dataSourceWith(config, migrations.slice(0, last + 1));
    await after.initialize();
    try {
      expect((await after.runMigrations({ transaction: "each" })).map((m) => m.name)).toEqual(["PersonAccounts1765238400000"]);
      const accounts = async () =>
        ((await after.query("SELECT p.mobile, a.channel, a.account_id FROM person_accounts a INNER JOIN people p ON p.id = a.person_id ORDER BY p.mobile, a.channel")) as Record<string, string>[]).map(
          (r) => [r.mobile, r.channel, r.account_id],
        );
      expect(await accounts()).toEqual([
        ["13900001001", "wecom", "ZhouJZ"],
        ["13900001002", "dingtalk", "dt_zheng"],
        ["13900001002", "wecom", "zhengzz"],
        ["13900001003", "dingtalk", "dt_qian"],
      ]);
      // Nobody lost: every person and their superior are still there, with no preference yet.
      const rows = (await after.query("SELECT mobile, superior_id, preferred_channel FROM people ORDER BY mobile")) as { mobile: string; superior_id: number | null; preferred_channel: string | null }[];
      expect(rows.map((r) => [r.mobile, r.superior_id === null ? null : Number(r.superior_id), r.preferred_channel])).toEqual([
        ["13900001001", null, null],
        ["13900001002", 1, null],
        ["13900001003", 2, null],
        ["13900001004", 2, null],
      ]);
      const runner = after.createQueryRunner();
      try {
        const people = await runner.getTable("people");
        expect(people?.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(["wecom_user_id"]));
        expect(people?.columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(["dingtalk_user_id"]));
      } finally {
        await runner.release();
      }
      // The unique keys hold: an account belongs to one person, a person has one account per channel.
      const insert = (personId: number, channel: string, account: string) =>
        after.query(`INSERT INTO person_accounts (person_id, channel, account_id, created_at, updated_at) VALUES (${personId}, '${channel}', '${account}', '${T}', '${T}')`);
      await expect(insert(4, "wecom", "zhengzz")).rejects.toThrow();
      await expect(insert(1, "wecom", "another")).rejects.toThrow();

      // Down: the columns come back with their values. SQLite rebuilds `people` for that, so the
      // revert runs with foreign keys off, as TypeORM's runMigrations runs every up.
      if (backend() === "embedded") await after.query("PRAGMA foreign_keys = OFF");
      await after.undoLastMigration({ transaction: "each" });
      if (backend() === "embedded") {
        await after.query("PRAGMA foreign_keys = ON");
        expect(await after.query("PRAGMA foreign_key_check")).toEqual([]);
      }
      const restored = (await after.query("SELECT mobile, wecom_user_id, dingtalk_user_id FROM people ORDER BY mobile")) as Record<string, string | null>[];
      expect(restored.map((r) => [r.mobile, r.wecom_user_id, r.dingtalk_user_id])).toEqual([
        ["13900001001", "ZhouJZ", null],
        ["13900001002", "zhengzz", "dt_zheng"],
        ["13900001003", null, "dt_qian"],
        ["13900001004", null, null],
      ]);
      // And up again, as a deployment rolled back and forward would.
      await after.runMigrations({ transaction: "each" });
      expect(await accounts()).toHaveLength(4);
    } finally {
      await after.destroy();
    }
  });
});
