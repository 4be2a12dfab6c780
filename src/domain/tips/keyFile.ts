import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { AppError } from "../../errors";
import { TipKeys } from "./keys";

/** Where the master key comes from: `config.tips`. */
export interface TipKeySettings {
  /** TIP_IDENTITY_KEY, base64 of 32 bytes. */
  identityKey?: string;
  /** The embedded mode's generated key, next to the SQLite file. */
  keyFile?: string;
}

const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

/**
 * The tip keys for this process: the configured key, else the embedded mode's key file (made once,
 * mode 0600, so a restart still reads old tips), else a key for this process only (SQLite in
 * memory, tests). Runs once at start; a damaged key file stops the start with a clear message.
 * `onCreated` hears of a newly made key file, so the operator can be told to back it up.
 */
export function loadTipKeys(settings: TipKeySettings, onCreated?: (path: string) => void): TipKeys {
  if (settings.identityKey) return new TipKeys(Buffer.from(settings.identityKey, "base64"));
  if (!settings.keyFile) return TipKeys.ephemeral();
  const path = resolve(settings.keyFile);
  const existing = readKeyFile(path);
  if (existing) return new TipKeys(existing);
  const created = createKeyFile(path);
  onCreated?.(path);
  return new TipKeys(created);
}

function readKeyFile(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new AppError("tip_key_file_unreadable", `无法读取举报人身份密钥文件 ${path}：${(err as Error).message}`, 503);
  }
  if (!BASE64_KEY.test(text)) {
    throw new AppError("tip_key_file_invalid", `举报人身份密钥文件 ${path} 内容无效（应为 32 字节的 base64）。请从备份恢复该文件，或设置 TIP_IDENTITY_KEY。`, 503);
  }
  return Buffer.from(text, "base64");
}

function createKeyFile(path: string): Buffer {
  const key = randomBytes(32);
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, `${key.toString("base64")}\n`, { flag: "wx", mode: 0o600 });
    // link() fails if the name exists: of two processes starting at once, one key wins, whole.
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(path) as Buffer;
    throw new AppError("tip_key_file_unwritable", `无法创建举报人身份密钥文件 ${path}：${(err as Error).message}`, 503);
  } finally {
    rmSync(temp, { force: true });
  }
  return key;
}
