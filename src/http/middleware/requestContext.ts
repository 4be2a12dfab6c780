import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "../../log";

const SAFE_ID = /^[\w.-]{1,64}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it is sane) and writes one log line
 * when the response is done. The line names the matched route's template (`/console/api/people/:id/messages`),
 * never the raw path: paths carry people's ids (a tipster's, when they post a 举报 from the console)
 * and query strings carry callback signatures. A request no route matched is logged as `route: null`.
 */
export function requestContext(log: Logger): Middleware {
  // The request line holds only flat values of ours (id, method, route, status, ms), which no
  // redact path (`*.password`, `req.headers.cookie`, …) can reach; checking them anyway cost more
  // than writing the line. Every other line, the request's child logger's included, is redacted.
  const lines = log.child({}, { redact: [] });
  return async (ctx, next) => {
    const incoming = ctx.get("x-request-id");
    const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // Most requests never log anything but their request line: the child logger is made the first
    // time a handler asks for it, not for every request.
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, "log", {
      get: () => (child ??= log.child({ requestId })),
      set: (replacement: Logger) => {
        child = replacement;
      },
      enumerable: true,
      configurable: true,
    });
    ctx.set("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Without a child yet, the id goes first among the fields: the same line the child would write.
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const line = { method: ctx.method, route: typeof matched === "string" ? matched : null, status: ctx.status, ms: Math.round(ms * 10) / 10 };
      if (child) child.info(line, "request");
      else lines.info({ requestId, ...line }, "request");
    }
  };
}
