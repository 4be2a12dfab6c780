import Router from "@koa/router";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { INSPECTING_ROLES, INSPECTION_READER_ROLES, type InspectionService } from "../../domain/inspections";
import { actor } from "../actor";
import { ownerUnderSelfScope, scopeNarrowing } from "../scope";
import { authenticate, requireRole } from "../middleware/auth";
import { presentInspectionDetail, presentInspectionPage } from "../presenters/presentInspection";
import { one } from "../presenters/present";
import * as T from "./inspections.schema";

/** What the inspection API needs. */
export interface InspectionRouteDeps {
  db: Database;
  clock: Clock;
  inspections: InspectionService;
}

/** The admin API for check-ins: record one (as the caller), list them with filters and paging, read one. */
export function inspectionRoutes(deps: InspectionRouteDeps): Router {
  const router = new Router({ prefix: "/api/inspections" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });

  router.get("/", auth, requireRole(...INSPECTION_READER_ROLES), async (ctx) => {
    const q = T.parseInput(T.ListQuery, ctx.query);
    const { withinUnits } = scopeNarrowing(ctx);
    const own = ownerUnderSelfScope(ctx, actor(ctx));
    ctx.body = presentInspectionPage(await deps.inspections.list(actor(ctx), { ...q, withinUnits, ...(own ? { inspectorId: own } : {}) }));
  });

  router.post("/", auth, requireRole(...INSPECTING_ROLES), async (ctx) => {
    const body = T.parseInput(T.CheckInBody, ctx.request.body);
    const inspection = await deps.inspections.checkIn(actor(ctx), body);
    ctx.status = 201;
    ctx.body = one(presentInspectionDetail(await deps.inspections.detail(actor(ctx), inspection.id)));
  });

  router.get("/:id", auth, requireRole(...INSPECTION_READER_ROLES), async (ctx) => {
    const id = T.parseInput(T.IdParam, ctx.params.id);
    ctx.body = one(presentInspectionDetail(await deps.inspections.detail(actor(ctx), id)));
  });
  return router;
}
