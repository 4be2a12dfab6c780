import Router from "@koa/router";
import { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { INSPECTION_READER_ROLES } from "../../domain/inspections";
import { monthOf, type QuotaService } from "../../domain/quotas";
import { authenticate, requireRole } from "../middleware/auth";
import { parseInput } from "../validate";

export interface QuotaRouteDeps {
  db: Database;
  clock: Clock;
  quotas: QuotaService;
}

const ProgressQuery = z.object({
  unit: z.string({ error: "请提供单位编码 unit" }).min(1, "请提供单位编码 unit"),
  period: z.string().optional(),
});

const OverdueQuery = z.object({ unit: z.string({ error: "请提供单位编码 unit" }).min(1, "请提供单位编码 unit") });

/** 日周月 quotas: per person required/done/missing, the rules, and 分级监管 overdue enterprises. */
export function quotaRoutes(deps: QuotaRouteDeps): Router {
  const router = new Router({ prefix: "/api/quotas" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });
  const readers = requireRole(...INSPECTION_READER_ROLES);

  router.get("/", auth, readers, async (ctx) => {
    const q = parseInput(ProgressQuery, ctx.query);
    ctx.body = { data: await deps.quotas.progress(q.unit, q.period ?? monthOf(deps.clock.now())) };
  });

  router.get("/rules", auth, readers, async (ctx) => {
    ctx.body = { data: await deps.quotas.rules() };
  });

  router.get("/overdue-enterprises", auth, readers, async (ctx) => {
    const q = parseInput(OverdueQuery, ctx.query);
    ctx.body = { data: await deps.quotas.overdueEnterprisesOf(q.unit) };
  });
  return router;
}
