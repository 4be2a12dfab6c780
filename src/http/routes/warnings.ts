import Router from "@koa/router";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Callout } from "../../db/entities";
import type { WarningMessageInput, WarningService } from "../../domain/warnings";
import { AppError } from "../../errors";
import { actor } from "../actor";
import { authenticate, requireRole } from "../middleware/auth";
import { one } from "../presenters/present";
import { calloutStates, presentCalloutTerms, presentWarningDraft } from "../presenters/presentCallout";
import { parseCapMessage } from "./warnings.cap";
import { parseWarningJson } from "./warnings.schema";

export interface WarningRoutesDeps {
  db: Database;
  clock: Clock;
  warnings: WarningService;
}

/**
 * `POST /api/warnings`: a weather warning (CAP 1.2 XML or the JSON form) becomes a 叫应 draft that
 * the initiator previews, edits and sends through `/api/callouts`. `?partial=1` accepts a warning
 * some of whose areas are unknown (they are listed); without it such a warning is refused.
 * A message with an identifier is received once: posted again it answers 200 with `duplicate:
 * true` and the first one's campaign. CAP updates and cancellations act on the campaigns of the
 * warning they reference (WarningService explains what each does). 201 when a draft was made,
 * 200 otherwise.
 */
export function warningRoutes(deps: WarningRoutesDeps): Router {
  const router = new Router({ prefix: "/api/warnings" });
  router.use(authenticate(deps), requireRole("duty_officer", "duty_leader", "deputy_leader", "chief", "admin"));

  router.post("/", async (ctx) => {
    let input: WarningMessageInput;
    if (ctx.is("application/cap+xml", "application/xml", "text/xml")) input = parseCapMessage((ctx.request.rawBody ?? Buffer.alloc(0)).toString("utf8"));
    else if (ctx.is("application/json")) input = parseWarningJson(ctx.request.body);
    else throw new AppError("unsupported_media_type", "仅支持 CAP 1.2 XML（application/cap+xml）或 JSON（application/json）格式的预警", 415);
    const partial = ["1", "true"].includes(String(ctx.query.partial ?? ""));
    const r = await deps.warnings.receive(actor(ctx), input, { partial });
    const about = { outcome: r.outcome, duplicate: r.duplicate, supersedes: r.supersedes, cancelled: r.cancelled, message: r.message };
    if (r.draft) {
      const id = r.draft.calloutId;
      ctx.status = 201;
      ctx.body = one({ ...presentWarningDraft(r.draft), state: calloutStates.present("draft"), ...about, next: `请预览名单（GET /api/callouts/${id}/recipients），确认后发送（POST /api/callouts/${id}/send）` });
      return;
    }
    const c = r.calloutId === null ? null : await deps.db.manager.findOneBy(Callout, { id: r.calloutId });
    ctx.status = 200;
    ctx.body = one({ calloutId: r.calloutId, ...(c ? { title: c.title, ...presentCalloutTerms(c), answerMinutes: c.answerMinutes } : {}), ...about });
  });

  return router;
}
