import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "../../log";

const SAFE_ID = /^[\w.-]{1,64}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane) and writes one log line
 * when the response is done. Only the path is logged: query strings carry callback signatures.
 */
export function requestContext(log: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get("x-request-id");
    const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    ctx.set("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, "request");
    }
  };
}
