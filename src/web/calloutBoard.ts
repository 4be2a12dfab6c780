import Router from "@koa/router";
import type { Clock } from "../clock";
import type { Database } from "../db/Database";
import { Callout } from "../db/entities";
import type { CalloutService } from "../domain/callouts";
import { NotFound, Unauthorized, Unavailable } from "../errors";
import { authenticate, requireRole } from "../http/middleware/auth";
import { parseId } from "../http/routes/callouts.schema";
import { signBoardToken, verifyBoardToken } from "./boardLink";
import { boardView } from "./boardView";
import { noStore, type SseFeed, streamEvents } from "./sse";
import { sendPageFile, servePageAssets } from "./staticFiles";

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
 * URL; `GET /callouts/:id/board?t=` is the page (src/web/board/), `GET /api/callouts/:id/board?t=`
 * its data and `GET /api/callouts/:id/board/stream?t=` the same, live (SSE).
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
    const valid = verifyBoardToken(deps.linkSecret, id, ctx.query.t, deps.clock.now());
    ctx.set("Content-Security-Policy", PAGE_POLICY);
    await sendPageFile(ctx, "board", valid ? "index.html" : "refused.html", "no-store", valid ? 200 : 401);
  });

  // What the page shows first; the stream then keeps it current.
  router.get("/api/callouts/:id/board", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    noStore(ctx);
    if (!verifyBoardToken(deps.linkSecret, id, ctx.query.t, deps.clock.now())) throw linkInvalid();
    ctx.body = { data: boardView(await deps.callouts.board(id)) };
  });

  router.get("/api/callouts/:id/board/stream", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    const expires = verifyBoardToken(deps.linkSecret, id, ctx.query.t, deps.clock.now());
    if (!expires) throw linkInvalid();
    await deps.callouts.board(id); // 404 before the stream starts
    streamEvents(ctx, boardFeed(deps, id, expires));
  });

  servePageAssets(router, "board");
  return router;
}

const PAGE_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const linkInvalid = () => Unauthorized("看板链接无效或已过期，请重新获取", "board_link_invalid");

/** The board at once and again whenever it changes, until the link expires. */
function boardFeed(deps: CalloutBoardDeps, id: number, expires: Date): SseFeed {
  let last = "";
  return {
    pollMs: deps.pollMs ?? 2000,
    maxMs: deps.streamMaxMs ?? 60_000,
    retryMs: 3000,
    async poll(send) {
      if (deps.clock.now() >= expires) {
        send({ event: "expired", data: {} });
        return false;
      }
      const view = boardView(await deps.callouts.board(id));
      const json = JSON.stringify(view);
      if (json !== last) send({ event: "board", data: view });
      last = json;
    },
  };
}
