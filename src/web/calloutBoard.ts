import type { PassThrough } from "node:stream";
import Router from "@koa/router";
import type { Context } from "koa";
import type { Clock } from "../clock";
import type { Database } from "../db/Database";
import { Callout } from "../db/entities";
import type { CalloutService } from "../domain/callouts";
import { NotFound, Unauthorized, Unavailable } from "../errors";
import { authenticate, requireRole } from "../http/middleware/auth";
import { parseId } from "../http/routes/callouts.schema";
import { signBoardToken, verifyBoardToken } from "./boardLink";
import { boardView } from "./boardView";
import { renderBoardPage, renderLinkRefused } from "./calloutBoardPage";
import { noStore, openStream } from "./sse";

export interface CalloutBoardDeps {
  db: Database;
  clock: Clock;
  callouts: CalloutService;
  /** HMAC key of the view links; without it no link is issued and every link is refused. */
  linkSecret: string | undefined;
  /** How long a link opens the board; 3 hours covers a blue campaign and its escalations. */
  linkTtlMinutes?: number;
  /** How often the stream re-reads the board (answers may land on any instance). */
  pollMs?: number;
  /** One stream's lifetime; EventSource reconnects, so shutdown never waits on a watcher. */
  streamMaxMs?: number;
}

/**
 * The live 叫应 board: `GET /api/callouts/:id/board-link` (duty staff) issues a signed, expiring
 * URL; `GET /callouts/:id/board?t=` is the page and `GET /api/callouts/:id/board/stream?t=` its SSE.
 */
export function calloutBoardRoutes(deps: CalloutBoardDeps): Router {
  const router = new Router();
  const ttlMs = (deps.linkTtlMinutes ?? 180) * 60_000;

  router.get("/api/callouts/:id/board-link", authenticate(deps), requireRole("duty_officer", "duty_leader", "deputy_leader", "chief", "admin"), async (ctx) => {
    const id = parseId(ctx.params.id as string);
    if (!deps.linkSecret) throw Unavailable("未配置看板链接密钥（BOARD_LINK_SECRET），无法生成看板链接", "board_link_unconfigured");
    if (!(await deps.db.manager.existsBy(Callout, { id }))) throw NotFound("该叫应", "callout_not_found");
    const expiresAt = new Date(deps.clock.now().getTime() + ttlMs);
    const path = `/callouts/${id}/board?t=${signBoardToken(deps.linkSecret, id, expiresAt)}`;
    // Behind a proxy (app.proxy) protocol and host come from X-Forwarded-*; Koa 3's `origin` may be "null".
    ctx.body = { data: { path, url: ctx.host ? `${ctx.protocol}://${ctx.host}${path}` : path, expiresAt } };
  });

  router.get("/callouts/:id/board", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    noStore(ctx);
    if (!verifyBoardToken(deps.linkSecret, id, ctx.query.t, deps.clock.now())) {
      ctx.status = 401;
      ctx.type = "text/html; charset=utf-8";
      ctx.body = renderLinkRefused();
      return;
    }
    const view = boardView(await deps.callouts.board(id));
    ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'");
    ctx.type = "text/html; charset=utf-8";
    ctx.body = renderBoardPage(view, `/api/callouts/${id}/board/stream?t=${encodeURIComponent(String(ctx.query.t))}`);
  });

  router.get("/api/callouts/:id/board/stream", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    const expires = verifyBoardToken(deps.linkSecret, id, ctx.query.t, deps.clock.now());
    if (!expires) throw Unauthorized("看板链接无效或已过期，请重新获取", "board_link_invalid");
    await deps.callouts.board(id); // 404 before the stream starts
    pump(deps, id, expires, openStream(ctx));
  });

  return router;
}

/** Sends the board at once and again whenever it changes, until the link or the stream expires. */
function pump(deps: CalloutBoardDeps, id: number, expires: Date, out: PassThrough): void {
  const stopAt = Date.now() + (deps.streamMaxMs ?? 60_000);
  let last = "";
  let quietTicks = 0;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearTimeout(timer);
    if (!out.writableEnded) out.end();
  };
  out.on("close", stop);
  out.write("retry: 3000\n\n");
  const tick = async () => {
    if (out.destroyed || out.writableEnded) return;
    if (deps.clock.now() >= expires) {
      out.write("event: expired\ndata: {}\n\n");
      return stop();
    }
    const json = JSON.stringify(boardView(await deps.callouts.board(id)));
    if (json !== last) out.write(`event: board\ndata: ${json}\n\n`);
    // A comment now and then keeps proxies from closing a quiet stream.
    else if (++quietTicks % 10 === 0) out.write(": ping\n\n");
    last = json;
    if (Date.now() >= stopAt) return stop();
    timer = setTimeout(run, deps.pollMs ?? 2000);
  };
  // A failed read ends this stream; the browser reconnects after `retry`.
  const run = () => void tick().catch(stop);
  run();
}

