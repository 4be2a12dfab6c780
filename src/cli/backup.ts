import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { type Config, loadConfig } from "../config";
import { AppError, Invalid } from "../errors";
import { runCli } from "./runCli";

const USAGE = "用法：npm run backup -- 备份目录\n  将内置 SQLite 数据库、举报人身份密钥、看板链接密钥和媒体文件复制到一个新的空目录（运行中也可备份）";

export interface BackupResult {
  dir: string;
  /** Files written, relative to `dir`, with their SHA-256 (the media folder is listed as one entry). */
  files: { name: string; sha256?: string }[];
}

/**
 * A consistent copy of the embedded deployment while it runs: the SQLite file through SQLite's
 * online backup API (better-sqlite3 `.backup()`: the pages are copied in one step under a read
 * lock, so the copy is one instant's state while the app keeps writing), the key
 * files beside it (without the tip key the tipsters' identities in the copy cannot be read; without
 * the board key the links handed out stop opening) and the media folder. The key files stay
 * readable by the owner only. A MySQL deployment is backed up with mysqldump instead (README).
 */
export async function backupEmbedded(config: Config, dir: string): Promise<BackupResult> {
  if (config.db.kind !== "sqlite") {
    throw new AppError("backup_not_embedded", "当前使用 MySQL（DATABASE_URL）：请用 mysqldump --single-transaction 备份数据库，并另行保管 TIP_IDENTITY_KEY 和 BOARD_LINK_SECRET（见 README“备份与恢复”）", 400);
  }
  if (config.db.path === ":memory:") throw new AppError("backup_in_memory", "数据库在内存中（SQLITE_PATH=:memory:），没有可备份的文件", 400);
  if (!existsSync(config.db.path)) throw new AppError("backup_no_database", `找不到数据库文件：${config.db.path}`, 400);
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw Invalid(`备份目录须为空目录：${target}`, undefined, "backup_dir_not_empty");
  mkdirSync(target, { recursive: true, mode: 0o700 });

  const files: BackupResult["files"] = [];
  const dbName = basename(config.db.path);
  const source = new BetterSqlite3(config.db.path, { fileMustExist: true });
  try {
    // All remaining pages in one step: copied in small steps, a database written to all the time
    // (the running app's connection) would restart the copy after every step and never finish.
    await source.backup(join(target, dbName), { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  files.push({ name: dbName, sha256: sha256(join(target, dbName)) });

  for (const key of [config.tips.keyFile, config.callouts.boardLinkKeyFile]) {
    if (!key || !existsSync(key)) continue;
    const name = basename(key);
    copyFileSync(key, join(target, name));
    chmodSync(join(target, name), 0o600);
    files.push({ name, sha256: sha256(join(target, name)) });
  }
  if (existsSync(config.media.dir)) {
    cpSync(config.media.dir, join(target, "media"), { recursive: true });
    files.push({ name: "media/" });
  }
  writeFileSync(join(target, "manifest.json"), `${JSON.stringify({ madeAt: new Date().toISOString(), database: "sqlite", files }, null, 2)}\n`);
  return { dir: target, files };
}

function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** `npm run backup -- DIR`. */
if (require.main === module) {
  runCli(async () => {
    const args = process.argv.slice(2);
    if (args.length !== 1 || (args[0] as string).startsWith("-")) throw Invalid(USAGE, undefined, "usage");
    const result = await backupEmbedded(loadConfig(), args[0] as string);
    console.log(`已备份到 ${result.dir}：${result.files.map((f) => f.name).join("、")}`);
    console.log("恢复：停止服务后，将数据库文件和密钥文件放回 SQLITE_PATH 所在目录、media/ 放回 MEDIA_DIR，再启动。");
  });
}
