import { randomBytes } from "node:crypto";
import { type KeyFileKind, readOrCreateKeyFile } from "../kernel/keyFile";
import { TipKeys } from "./keys";

/** Where the master key comes from: `config.tips`. */
export interface TipKeySettings {
  /** TIP_IDENTITY_KEY, base64 of 32 bytes. */
  identityKey?: string;
  /** The embedded mode's generated key, next to the SQLite file. */
  keyFile?: string;
}

const TIP_KEY_FILE: KeyFileKind = {
  name: "举报人身份密钥",
  code: "tip_key_file",
  format: /^[A-Za-z0-9+/]{43}=$/,
  formatText: "应为 32 字节的 base64",
  remedy: "请从备份恢复该文件，或设置 TIP_IDENTITY_KEY。",
  make: () => randomBytes(32).toString("base64"),
};

/**
 * The tip keys for this process: the configured key, else the embedded mode's key file (made once,
 * mode 0600, so a restart still reads old tips), else a key for this process only (SQLite in
 * memory, tests). Runs once at start; a damaged key file stops the start with a clear message.
 * `onCreated` hears of a newly made key file, so the operator can be told to back it up.
 */
export function loadTipKeys(settings: TipKeySettings, onCreated?: (path: string) => void): TipKeys {
  if (settings.identityKey) return new TipKeys(Buffer.from(settings.identityKey, "base64"));
  if (!settings.keyFile) return TipKeys.ephemeral();
  return new TipKeys(Buffer.from(readOrCreateKeyFile(TIP_KEY_FILE, settings.keyFile, onCreated), "base64"));
}
