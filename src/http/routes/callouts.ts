import Router from "@koa/router";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Person } from "../../db/entities";
import type { Logger } from "../../log";
import type { Board, CalloutService } from "../../domain/callouts";
import { authenticate, requireRole } from "../middleware/auth";
import { createCalloutBody, editRecipientsBody, parseBody, parseId } from "./callouts.schema";

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
  const me = (state: { person?: Person }) => state.person as Person;

  router.post("/", async (ctx) => {
    const input = parseBody(createCalloutBody, ctx.request.body);
    const c = await deps.callouts.create(me(ctx.state), input);
    ctx.status = 201;
    ctx.body = { data: { id: c.id, state: c.state, answerMinutes: c.answerMinutes, recipients: await deps.callouts.preview(c.id) } };
  });

  router.get("/:id/recipients", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    await deps.callouts.board(id); // 404 for an unknown id
    ctx.body = { data: await deps.callouts.preview(id) };
  });

  router.post("/:id/recipients", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    await deps.callouts.editRecipients(me(ctx.state), id, parseBody(editRecipientsBody, ctx.request.body));
    ctx.body = { data: await deps.callouts.preview(id) };
  });

  router.post("/:id/send", async (ctx) => {
    const { callout: c, dispatch } = await deps.callouts.send(me(ctx.state), parseId(ctx.params.id as string));
    // The campaign is sent; its cards failed to enqueue and the minute tick will retry them. Not
    // the request's failure, but someone must see it.
    if (dispatch.failed) (ctx.state.log as Logger).warn({ calloutId: c.id, code: dispatch.failed }, "callout cards left to the minute tick");
    const cards = dispatch.failed ? { notice: "叫应已发送，卡片将在一分钟内由定时任务发出" } : {};
    ctx.body = { data: { id: c.id, state: c.state, sentAt: c.sentAt, deadlineAt: c.deadlineAt, ...cards } };
  });

  router.post("/:id/cancel", async (ctx) => {
    const id = parseId(ctx.params.id as string);
    await deps.callouts.cancel(me(ctx.state), id);
    ctx.body = { data: { id, state: "cancelled" } };
  });

  router.get("/:id", async (ctx) => {
    ctx.body = { data: present(await deps.callouts.board(parseId(ctx.params.id as string))) };
  });

  return router;
}

function present(b: Board) {
  const c = b.callout;
  return {
    id: c.id,
    title: c.title,
    warningType: c.warningType,
    level: c.level,
    state: c.state,
    requiresReport: c.requiresReport,
    sentAt: c.sentAt,
    deadlineAt: c.deadlineAt,
    closedAt: c.closedAt,
    counts: b.counts,
    people: b.people,
  };
}
