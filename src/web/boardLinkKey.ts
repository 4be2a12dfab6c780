import { randomBytes } from "node:crypto";
import { type KeyFileKind, readOrCreateKeyFile } from "../domain/kernel/keyFile";

/** Where the board links' signing key comes from: `config.callouts`. */
export interface BoardLinkKeySettings {
  /** BOARD_LINK_SECRET, at least 32 characters. */
  boardLinkSecret?: string;
  /** The embedded mode's generated key, next to the SQLite file. */
  boardLinkKeyFile?: string;
}

const BOARD_KEY_FILE: KeyFileKind = {
  name: "叫应看板链接密钥",
  code: "board_key_file",
  format: /^[0-9a-f]{64}$/,
  formatText: "应为 64 位十六进制",
  remedy: "请删除该文件（已发出的看板链接将失效）或设置 BOARD_LINK_SECRET。",
  make: () => randomBytes(32).toString("hex"),
};

/**
 * The key that signs the 叫应 board links: the configured secret, else the embedded mode's key file
 * (made once, mode 0600, so a link handed out before a restart still opens the board), else a key
 * for this process only (SQLite in memory, tests). Runs once at start; a damaged file stops it.
 * `onCreated` hears of a newly made key file.
 */
export function loadBoardLinkKey(settings: BoardLinkKeySettings, onCreated?: (path: string) => void): string {
  if (settings.boardLinkSecret) return settings.boardLinkSecret;
  if (!settings.boardLinkKeyFile) return randomBytes(32).toString("hex");
  return readOrCreateKeyFile(BOARD_KEY_FILE, settings.boardLinkKeyFile, onCreated);
}
