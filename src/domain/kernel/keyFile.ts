import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { AppError } from "../../errors";

/** One kind of secret the embedded mode keeps in a file beside the SQLite database. */
export interface KeyFileKind {
  /** What people call it, in the start-up errors they read (`举报人身份密钥`). */
  name: string;
  /** Prefix of the stable error codes: `<code>_unreadable`, `<code>_invalid`, `<code>_unwritable`. */
  code: string;
  /** The file's text, trimmed, must match this. */
  format: RegExp;
  /** How the expected text reads, for the invalid-file message (`应为 64 位十六进制`). */
  formatText: string;
  /** What to do about a damaged file. */
  remedy: string;
  /** A new key's text (random, in `format`). */
  make(): string;
}

/**
 * The key file's text: read, or made once (mode 0600) when missing. Two processes starting at once
 * agree on one key: the new key is written to a temporary file and linked into place, and link()
 * fails when the name exists. A damaged or unreadable file stops the start with a Chinese message,
 * never a new key (which would orphan everything sealed under the old one). `onCreated` hears of a
 * newly made file, so the operator can be told to back it up.
 */
export function readOrCreateKeyFile(kind: KeyFileKind, file: string, onCreated?: (path: string) => void): string {
  const path = resolve(file);
  const existing = readKeyFile(kind, path);
  if (existing !== null) return existing;
  const key = kind.make();
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, `${key}\n`, { flag: "wx", mode: 0o600 });
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(kind, path) as string;
    throw new AppError(`${kind.code}_unwritable`, `无法创建${kind.name}文件 ${path}：${(err as Error).message}`, 503);
  } finally {
    rmSync(temp, { force: true });
  }
  onCreated?.(path);
  return key;
}

function readKeyFile(kind: KeyFileKind, path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new AppError(`${kind.code}_unreadable`, `无法读取${kind.name}文件 ${path}：${(err as Error).message}`, 503);
  }
  if (!kind.format.test(text)) throw new AppError(`${kind.code}_invalid`, `${kind.name}文件 ${path} 内容无效（${kind.formatText}）。${kind.remedy}`, 503);
  return text;
}
