import { PassThrough } from "node:stream";
import type { Context } from "koa";

/** Turns the response into a server-sent event stream the caller writes to. */
export function openStream(ctx: Context): PassThrough {
  noStore(ctx);
  ctx.set("Content-Type", "text/event-stream; charset=utf-8");
  ctx.set("X-Accel-Buffering", "no"); // nginx would otherwise hold events back
  ctx.req.socket.setTimeout(0);
  const out = new PassThrough();
  ctx.status = 200;
  ctx.body = out;
  return out;
}

/** Pages and streams that carry names: never cached, never leaked through a Referer. */
export function noStore(ctx: Context): void {
  ctx.set("Cache-Control", "no-store");
  ctx.set("Referrer-Policy", "no-referrer");
}
