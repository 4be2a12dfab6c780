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

/**
 * What an error becomes in a log line: its kind and codes, never the values it carries. Database
 * errors quote the failing statement's parameters (message texts, mobiles) in `message`,
 * `parameters` and `sql`, so for them even the message is withheld.
 */
export function safeErr(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; errno?: unknown; sqlState?: unknown; sql?: unknown; driverError?: unknown };
  const fromDatabase = err.name === "QueryFailedError" || e.sql !== undefined || e.driverError !== undefined || e.sqlState !== undefined;
  return {
    type: err.name,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.errno !== undefined ? { errno: e.errno } : {}),
    ...(e.sqlState !== undefined ? { sqlState: e.sqlState } : {}),
    message: fromDatabase ? "database error (values withheld)" : err.message,
    // The stack without its first line, which repeats the message.
    stack: err.stack?.split("\n").slice(1, 8).join("\n"),
  };
}

/** The process logger: JSON lines, one per request and per job run. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    name: options.name ?? "anshao",
    level: options.level,
    redact: { paths: REDACT, censor: "***" },
    serializers: { err: safeErr },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
