import type { Middleware } from "koa";
import { failureCode } from "../../db/dialect";
import { DbUnavailable, isDbUnavailable } from "../../db/unavailable";
import { AppError, PayloadTooLarge } from "../../errors";
import type { Logger } from "../../log";

/**
 * The one place errors become responses: `{ code, message, requestId }`, with a stable code for
 * programs and a Chinese message for people. Unknown errors are logged and answered as a 500.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new AppError("route_not_found", "找不到该地址", 404);
    } catch (caught) {
      const err = toAppError(caught);
      const log = ctx.state.log as Logger;
      // A database outage is logged by its code only: a driver error may quote a query's parameters.
      if (err.code === "db_unavailable") log.warn({ code: failureCode(caught) }, "request refused: database unavailable");
      // A deliberate "try again later" is one line with its code: during an outage every request
      // gets one, and a stack trace each would bury the log.
      else if (caught instanceof AppError && err.status === 503) log.warn({ code: err.code }, "request refused: unavailable");
      else if (err.status >= 500) log.error({ err: caught }, "request failed");
      ctx.status = err.status;
      ctx.body = {
        code: err.code,
        message: err.expose ? err.message : "服务器内部错误，请稍后再试",
        requestId: ctx.state.requestId,
        ...(err.expose && err.details !== undefined ? { details: err.details } : {}),
      };
    }
  };
}

function toAppError(caught: unknown): AppError {
  if (caught instanceof AppError) return caught;
  if (isDbUnavailable(caught)) return DbUnavailable();
  const e = caught as { status?: number; type?: string; limit?: number; expose?: boolean; message?: string };
  if (e?.type === "entity.too.large") return PayloadTooLarge(e.limit ?? 0);
  if (e?.status === 405) return new AppError("method_not_allowed", "不支持该请求方法", 405);
  if (e?.status && e.status < 500 && e.expose) return new AppError("bad_request", "请求格式不正确", e.status);
  return new AppError("internal_error", "服务器内部错误，请稍后再试", 500);
}
