import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { AppError } from "../errors";

/** Where the board links' signing key comes from: `config.callouts`. */
export interface BoardLinkKeySettings {
  /** BOARD_LINK_SECRET, at least 32 characters. */
  boardLinkSecret?: string;
  /** The embedded mode's generated key, next to the SQLite file. */
  boardLinkKeyFile?: string;
}

const KEY_TEXT = /^[0-9a-f]{64}$/;

/**
 * The key that signs the 叫应 board links: the configured secret, else the embedded mode's key file
 * (made once, mode 0600, so a link handed out before a restart still opens the board), else a key
 * for this process only (SQLite in memory, tests). Runs once at start; a damaged file stops it.
 * `onCreated` hears of a newly made key file.
 */
export function loadBoardLinkKey(settings: BoardLinkKeySettings, onCreated?: (path: string) => void): string {
  if (settings.boardLinkSecret) return settings.boardLinkSecret;
  if (!settings.boardLinkKeyFile) return randomBytes(32).toString("hex");
  const path = resolve(settings.boardLinkKeyFile);
  const existing = readKeyFile(path);
  if (existing) return existing;
  const created = createKeyFile(path);
  onCreated?.(path);
  return created;
}

function readKeyFile(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new AppError("board_key_file_unreadable", `无法读取叫应看板链接密钥文件 ${path}：${(err as Error).message}`, 503);
  }
  if (!KEY_TEXT.test(text)) {
    throw new AppError("board_key_file_invalid", `叫应看板链接密钥文件 ${path} 内容无效（应为 64 位十六进制）。请删除该文件（已发出的看板链接将失效）或设置 BOARD_LINK_SECRET。`, 503);
  }
  return text;
}

function createKeyFile(path: string): string {
  const key = randomBytes(32).toString("hex");
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, `${key}\n`, { flag: "wx", mode: 0o600 });
    // link() fails if the name exists: of two processes starting at once, one key wins, whole.
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(path) as string;
    throw new AppError("board_key_file_unwritable", `无法创建叫应看板链接密钥文件 ${path}：${(err as Error).message}`, 503);
  } finally {
    rmSync(temp, { force: true });
  }
  return key;
}
