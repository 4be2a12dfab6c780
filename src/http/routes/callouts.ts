import Router from "@koa/router";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Logger } from "../../log";
import { type CalloutService, listCallouts } from "../../domain/callouts";
import { actor } from "../actor";
import { authenticate, requireRole } from "../middleware/auth";
import { one, page } from "../presenters/present";
import { calloutStates, presentBoard, presentCalloutRow, presentPreviewRow } from "../presenters/presentCallout";
import { ownerUnderSelfScope, scopeNarrowing } from "../scope";
import { createCalloutBody, editRecipientsBody, parseBody, parseId, parseListQuery } from "./callouts.schema";

export interface CalloutRoutesDeps {
  db: Database;
  clock: Clock;
  callouts: CalloutService;
}

/**
 * The admin API of 叫应: draft from rules or people, preview and edit the list, send, cancel,
 * and the board. Duty staff and leaders only.
 */
export function calloutRoutes(deps: CalloutRoutesDeps): Router {
  const router = new Router({ prefix: "/api/callouts" });
  router.use(authenticate(deps), requireRole("duty_officer", "duty_leader", "deputy_leader", "chief", "admin"));
  const preview = async (id: number) => (await deps.callouts.preview(id)).map(presentPreviewRow);

  router.get("/", async (ctx) => {
    const q = parseListQuery(ctx.query);
    const { withinUnits } = scopeNarrowing(ctx);
    const own = ownerUnderSelfScope(ctx, actor(ctx));
    const result = await listCallouts(deps.db.manager, { ...q, withinUnits, initiatorId: own });
    ctx.body = page(result, presentCalloutRow);
  });

  router.post("/", async (ctx) => {
    const input = parseBody(createCalloutBody, ctx.request.body);
    const c = await deps.callouts.create(actor(ctx), input);
    ctx.status = 201;
    ctx.body = one({ id: c.id, state: calloutStates.present(c.state), answerMinutes: c.answerMinutes, recipients: await preview(c.id) });
  });

  router.get("/:id/recipients", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    await deps.callouts.board(id); // 404 for an unknown id
    ctx.body = one(await preview(id));
  });

  router.post("/:id/recipients", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    await deps.callouts.editRecipients(actor(ctx), id, parseBody(editRecipientsBody, ctx.request.body));
    ctx.body = one(await preview(id));
  });

  router.post("/:id/send", async (ctx) => {
    const { callout: c, dispatch } = await deps.callouts.send(actor(ctx), parseId(ctx.params.id as string));
    // The campaign is sent; its cards failed to enqueue and the minute tick will retry them. Not
    // the request's failure, but someone must see it.
    if (dispatch.failed) (ctx.state.log as Logger).warn({ calloutId: c.id, code: dispatch.failed }, "callout cards left to the minute tick");
    const cards = dispatch.failed ? { notice: "叫应已发送，卡片将在一分钟内由定时任务发出" } : {};
    ctx.body = one({ id: c.id, state: calloutStates.present(c.state), sentAt: c.sentAt, deadlineAt: c.deadlineAt, ...cards });
  });

  router.post("/:id/cancel", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    await deps.callouts.cancel(actor(ctx), id);
    ctx.body = one({ id, state: calloutStates.present("cancelled") });
  });

  router.get("/:id", async (ctx) => {
    ctx.body = one(presentBoard(await deps.callouts.board(parseId(ctx.params.id as string))));
  });

  return router;
}
