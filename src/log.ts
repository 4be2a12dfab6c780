import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Paths never written to a log, wherever they appear. Secrets and tokens are redacted by name;
 * message bodies and tipsters are kept out by never being passed to the logger at all.
 */
const REDACT = [
  "*.password",
  "*.secret",
  "*.token",
  "*.access_token",
  "*.accessToken",
  "*.encodingAesKey",
  "*.mobile",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
];

/** The process logger: JSON lines, one per request and per job run. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? "anshao",
    level: options.level,
    redact: { paths: REDACT, censor: "***" },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
