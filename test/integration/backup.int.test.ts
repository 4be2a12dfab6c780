import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { setImmediate as nextTurn } from "node:timers/promises";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pino from "pino";
import { backupEmbedded } from "../../src/cli/backup";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { Person, Tip } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { buildServices, type Services } from "../../src/services";
import { backend } from "../support/backend";

/** An embedded deployment (SQLite file, generated key files) in `dir`, as on a county's own server. */
function embeddedConfig(dir: string) {
  return loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", SQLITE_PATH: join(dir, "anshao.sqlite"), MEDIA_DIR: join(dir, "media"), JOBS_ENABLED: "false", DEMO: "false", OUTBOX_ENABLED: "false" });
}

// The backup is of the embedded SQLite deployment whichever backend this project runs; MySQL is backed up with mysqldump.
describe(`npm run backup (${backend()} project, embedded deployment)`, () => {
  const clock = new ManualClock("2026-07-12T02:00:00Z");
  const log = pino({ level: "silent" });
  const root = mkdtempSync(join(tmpdir(), "anshao-backup-"));
  let live: Services;
  let restored: Services | undefined;

  beforeAll(async () => {
    mkdirSync(join(root, "live"));
    live = await buildServices(embeddedConfig(join(root, "live")), log, clock);
    await loadDemo(live.db, clock);
  });
  afterAll(async () => {
    await live.close();
    await restored?.close();
  });

  it("copies the running database consistently with its key files, and the restored copy reveals a tipster", async () => {
    const person = (name: string) => live.db.manager.findOneByOrFail(Person, { name });
    const tipster = await person("潘德明");
    const tip = await live.tips.report(tipster, { content: "柳湾机械制造有限公司夜间在仓库内违规动火切割，没有灭火器" });

    // Tips keep arriving while the backup is made.
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        await live.tips.report(await person("唐亮"), { content: `第 ${written} 条：东岭化工有限责任公司储罐区无人值守` });
        written += 1;
        // Like requests arriving: each write in a turn of the event loop of its own.
        await nextTurn();
      }
    })();
    const result = await backupEmbedded(embeddedConfig(join(root, "live")), join(root, "backup"));
    writing = false;
    await writes;
    expect(written).toBeGreaterThan(0);

    expect(result.files.map((f) => f.name)).toEqual(expect.arrayContaining(["anshao.sqlite", "tip-identity.key", "board-link.key"]));
    expect(statSync(join(root, "backup", "tip-identity.key")).mode & 0o777).toBe(0o600);
    const copy = new BetterSqlite3(join(root, "backup", "anshao.sqlite"), { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    copy.close();

    // Restore as README says: the files back beside SQLITE_PATH, then start.
    const home = join(root, "restored");
    mkdirSync(home);
    for (const name of readdirSync(join(root, "backup")).filter((n) => n !== "media" && n !== "manifest.json")) copyFileSync(join(root, "backup", name), join(home, name));
    if (existsSync(join(root, "backup", "media"))) cpSync(join(root, "backup", "media"), join(home, "media"), { recursive: true });
    restored = await buildServices(embeddedConfig(home), log, clock);
    expect(await restored.db.manager.countBy(Tip, { id: tip.id })).toBe(1);
    const officer = await restored.db.manager.findOneByOrFail(Person, { name: "刘洋" });
    const { identity } = await restored.tips.revealReporter(tip.id, officer, { reason: "核实举报奖励（备份恢复演练）" });
    expect(identity).toMatchObject({ personId: tipster.id, name: "潘德明", mobile: tipster.mobile });
  });

  it("refuses a directory that is not empty, and an in-memory database", async () => {
    await expect(backupEmbedded(embeddedConfig(join(root, "live")), join(root, "backup"))).rejects.toMatchObject({ code: "backup_dir_not_empty", status: 400 });
    const memory = loadConfig({ NODE_ENV: "test", SQLITE_PATH: ":memory:" });
    await expect(backupEmbedded(memory, join(root, "elsewhere"))).rejects.toMatchObject({ code: "backup_in_memory" });
  });
});
