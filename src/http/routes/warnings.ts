import Router from "@koa/router";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Person } from "../../db/entities";
import type { WarningInput, WarningService } from "../../domain/warnings";
import { AppError } from "../../errors";
import { authenticate, requireRole } from "../middleware/auth";
import { parseCap } from "./warnings.cap";
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
 */
export function warningRoutes(deps: WarningRoutesDeps): Router {
  const router = new Router({ prefix: "/api/warnings" });
  router.use(authenticate(deps), requireRole("duty_officer", "duty_leader", "deputy_leader", "chief", "admin"));

  router.post("/", async (ctx) => {
    let input: WarningInput;
    if (ctx.is("application/cap+xml", "application/xml", "text/xml")) input = parseCap((ctx.request.rawBody ?? Buffer.alloc(0)).toString("utf8"));
    else if (ctx.is("application/json")) input = parseWarningJson(ctx.request.body);
    else throw new AppError("unsupported_media_type", "仅支持 CAP 1.2 XML（application/cap+xml）或 JSON（application/json）格式的预警", 415);
    const partial = ["1", "true"].includes(String(ctx.query.partial ?? ""));
    const draft = await deps.warnings.intake(ctx.state.person as Person, input, { partial });
    ctx.status = 201;
    ctx.body = { data: { ...draft, state: "draft", next: `请预览名单（GET /api/callouts/${draft.calloutId}/recipients），确认后发送（POST /api/callouts/${draft.calloutId}/send）` } };
  });

  return router;
}
