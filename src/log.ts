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

/**
 * Where the lines go: stdout, written synchronously in pieces of at least 4 KiB, and at least every
 * 200 ms when traffic is low. pino's default writes each line by its own asynchronous `fs.write`, a
 * trip through libuv's thread pool (waking another thread, and being woken back) that cost more
 * CPU than making the line: ≈ 15 % of the callback path's busy time under load, against 0.2 %
 * now (bench/README.md). The lines are the same, only fewer writes carry them. What is still
 * buffered is written when the process exits (an uncaught exception included); a process killed
 * outright (SIGKILL, out of memory) loses up to 200 ms of lines.
 */
const STDOUT_MIN_WRITE = 4096;
const STDOUT_FLUSH_MS = 200;
const buffered = new Set<{ flushSync(): void }>();

function stdoutDestination() {
  const destination = pino.destination({ dest: process.stdout.fd, sync: true, minLength: STDOUT_MIN_WRITE, periodicFlush: STDOUT_FLUSH_MS });
  if (buffered.size === 0) {
    process.once("exit", () => {
      for (const d of buffered) {
        try {
          d.flushSync();
        } catch {
          // Nothing left to tell it to: stdout is gone.
        }
      }
    });
  }
  buffered.add(destination);
  return destination;
}

/** The process logger: JSON lines, one per request and per job run. */
export function createLogger(options: { level: string; name?: string }): Logger {
  const settings = {
    name: options.name ?? "anshao",
    level: options.level,
    redact: { paths: REDACT, censor: "***" },
    serializers: { err: safeErr },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // A silent logger (tests) writes nothing: no buffer, no flush timer.
  if (options.level === "silent") return pino(settings);
  return pino(settings, stdoutDestination());
}
