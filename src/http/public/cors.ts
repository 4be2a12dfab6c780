import type { Middleware } from "koa";

/**
 * CORS for the public API: only the configured origins (the mini-program's and the H5 page's
 * hosts) get the headers; a preflight is answered here. Same-origin pages need none of it.
 */
export function publicCors(origins: readonly string[]): Middleware {
  const allowed = new Set(origins);
  return async (ctx, next) => {
    const origin = ctx.get("origin");
    if (origin && allowed.has(origin)) {
      ctx.set("Access-Control-Allow-Origin", origin);
      ctx.set("Access-Control-Expose-Headers", "Retry-After");
    }
    ctx.vary("Origin");
    if (ctx.method === "OPTIONS") {
      if (origin && allowed.has(origin)) {
        ctx.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ctx.set("Access-Control-Allow-Headers", "Content-Type, X-Device-Id");
        ctx.set("Access-Control-Max-Age", "600");
      }
      ctx.status = 204;
      return;
    }
    await next();
  };
}
