import Router from "@koa/router";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { CalloutService } from "../../domain/callouts";
import { type SseFeed, streamEvents } from "../../web/sse";
import { authenticate, requireRole } from "../middleware/auth";
import { presentBoard } from "../presenters/presentCallout";
import { SharedReads } from "../sharedReads";
import { parseId } from "./callouts.schema";

export interface CalloutStreamDeps {
  db: Database;
  clock: Clock;
  callouts: CalloutService;
  /** How often a campaign's board is read while someone watches it (answers may land on any instance). */
  pollMs?: number;
  /** One stream's lifetime: EventSource reconnects (and is signed in again), so shutdown never waits on a viewer. */
  streamMaxMs?: number;
}

type BoardJson = ReturnType<typeof presentBoard>;

/** States after which the board no longer changes: the stream says so and ends. */
const FINAL_STATES = new Set(["closed", "cancelled"]);

/**
 * `GET /api/callouts/:id/stream`: the admin console's live 叫应 board as server-sent events, for a
 * signed-in viewer whose scope holds the campaign (the access gate checks it before this runs).
 * `board` carries the same data as `GET /api/callouts/:id`, at once and whenever it changes; `end`
 * once the campaign is over. However many watch a campaign here, its board is read once per interval.
 */
export function calloutStreamRoutes(deps: CalloutStreamDeps): Router {
  const router = new Router({ prefix: "/api/callouts" });
  const pollMs = deps.pollMs ?? 1000;
  const boards = new SharedReads<number, BoardJson>(async (id) => presentBoard(await deps.callouts.board(id)), pollMs);

  router.get("/:id/stream", authenticate(deps), requireRole("duty_officer", "duty_leader", "deputy_leader", "chief", "admin"), async (ctx) => {
    const id = parseId(ctx.params.id as string);
    await boards.get(id); // an unknown campaign is a 404 before the stream starts
    streamEvents(ctx, boardFeed(boards, id, pollMs, deps.streamMaxMs ?? 5 * 60_000));
  });
  return router;
}

/** The board at once, again whenever it differs from what this viewer last got, and `end` once it is final. */
function boardFeed(boards: SharedReads<number, BoardJson>, id: number, pollMs: number, maxMs: number): SseFeed {
  let last = "";
  return {
    pollMs,
    maxMs,
    retryMs: 3000,
    async poll(send) {
      const board = await boards.get(id);
      const json = JSON.stringify(board);
      if (json !== last) send({ event: "board", data: board });
      last = json;
      if (FINAL_STATES.has(board.state.code)) {
        send({ event: "end", data: {} });
        return false;
      }
    },
  };
}
