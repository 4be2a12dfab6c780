import { PassThrough } from "node:stream";
import type { Context } from "koa";

/** One server-sent event: `data` goes out as JSON; `id` is what the client resumes from. */
export interface SseFrame {
  event?: string;
  id?: number;
  data: unknown;
}

/** What a live stream reads, and how often; everything else (lifetime, pings, shutdown) is the helper's. */
export interface SseFeed {
  /**
   * Reads what is new and hands each frame to `send`; `first` is true on the first call. Returns
   * false to end the stream (e.g. its link expired). A throw ends it too: the client reconnects.
   */
  poll(send: (frame: SseFrame) => void, first: boolean): Promise<boolean | void>;
  /** Milliseconds between polls. */
  pollMs: number;
  /** The stream's lifetime: the client reconnects, so a shutdown never waits on a watcher. */
  maxMs: number;
  /** What the client waits before reconnecting (the `retry:` field). */
  retryMs: number;
}

/** A comment after this much silence keeps proxies from closing a quiet stream. */
const PING_AFTER_MS = 15_000;

/**
 * Turns the response into a server-sent event stream fed by `feed.poll`, re-polling until the
 * feed ends it, its lifetime is up, the client goes, or the server stops listening. The feed
 * reads the database each time, so what any instance stored reaches every watcher.
 */
export function streamEvents(ctx: Context, feed: SseFeed): void {
  const out = openStream(ctx);
  const server = (ctx.req.socket as { server?: { listening?: boolean } }).server;
  // Wall-clock, not the domain clock: this bounds a socket's life, not a business deadline.
  const stopAt = Date.now() + feed.maxMs;
  let lastWrite = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let first = true;
  const stop = () => {
    clearTimeout(timer);
    if (!out.writableEnded) out.end();
  };
  const write = (text: string) => {
    out.write(text);
    lastWrite = Date.now();
  };
  const send = (f: SseFrame) => write(`${f.event ? `event: ${f.event}\n` : ""}${f.id !== undefined ? `id: ${f.id}\n` : ""}data: ${JSON.stringify(f.data)}\n\n`);
  out.on("close", stop);
  write(`retry: ${feed.retryMs}\n\n`);
  const tick = async () => {
    if (out.destroyed || out.writableEnded) return;
    const more = await feed.poll(send, first);
    first = false;
    if (more === false) return stop();
    if (Date.now() - lastWrite >= PING_AFTER_MS) write(": ping\n\n");
    if (Date.now() >= stopAt || server?.listening === false) return stop();
    timer = setTimeout(run, feed.pollMs);
  };
  const run = () => void tick().catch(stop);
  run();
}

function openStream(ctx: Context): PassThrough {
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
