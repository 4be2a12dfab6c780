import { AppError } from "../errors";

/**
 * Driver codes that mean "the database server could not be reached or went away" — not that the
 * statement was wrong. mysql2 reports socket failures with Node's codes, a lost or closed
 * connection with its PROTOCOL_* codes; MariaDB shutting down kills its sessions with 1053/1927.
 */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_GONE_ERROR",
  "ER_SERVER_LOST",
  "CR_SERVER_GONE_ERROR",
  "CR_SERVER_LOST",
]);

/** 1040 too many connections, 1053 server shutdown, 1927 connection killed (MariaDB), 2006/2013 gone/lost. */
const UNREACHABLE_ERRNOS = new Set([1040, 1053, 1927, 2006, 2013]);

/** mysql2's errors without a code when a pooled connection had already died. */
const UNREACHABLE_MESSAGES = /closed state|Pool is closed|Connection lost|connect ETIMEDOUT|Too many connections/i;

/**
 * True when `err` (as TypeORM or mysql2 throws it, possibly wrapped) says the database cannot be
 * reached right now, so the caller should be told to retry later rather than that the server broke.
 */
export function isDbUnavailable(err: unknown): boolean {
  for (let e = err as DriverLike | undefined, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    if (typeof e.code === "string" && UNREACHABLE_CODES.has(e.code)) return true;
    if (typeof e.errno === "number" && UNREACHABLE_ERRNOS.has(e.errno)) return true;
    if (typeof e.message === "string" && UNREACHABLE_MESSAGES.test(e.message)) return true;
    e = e.driverError ?? e.cause;
  }
  return false;
}

interface DriverLike {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  driverError?: DriverLike;
  cause?: DriverLike;
}

/** The answer to a request the database could not serve: retry later; nothing was stored. */
export const DbUnavailable = () => new AppError("db_unavailable", "数据库暂时无法连接，本次操作未保存，请稍后重试", 503, undefined, true);
