import Router from "@koa/router";
import { PassThrough } from "node:stream";
import { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { INSPECTION_READER_ROLES } from "../../domain/inspections";
import { type ReportService, XLSX_TYPE } from "../../domain/reports";
import type { Logger } from "../../log";
import { authenticate, requireRole } from "../middleware/auth";
import { parseInput } from "../validate";

export interface ReportRouteDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  reports: ReportService;
}

export const MonthlyQuery = z.object({
  unit: z.string({ error: "请提供单位编码 unit" }).min(1, "请提供单位编码 unit"),
  month: z.string({ error: "请提供月份 month（YYYY-MM）" }),
});

/** 月报: seed 004's workbook for any unit and month, regenerated from the data and streamed. */
export function reportRoutes(deps: ReportRouteDeps): Router {
  const router = new Router({ prefix: "/api/reports" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });

  router.get("/monthly", auth, requireRole(...INSPECTION_READER_ROLES), async (ctx) => {
    const q = parseInput(MonthlyQuery, ctx.query);
    // Unit and month are checked before the first byte, so a mistake is a proper 400/404.
    const input = await deps.reports.prepare(q.unit, q.month);
    const filename = `${q.month}${input.unit.name}月报（四个清单）.xlsx`;
    const body = new PassThrough();
    ctx.type = XLSX_TYPE;
    ctx.set("Content-Disposition", `attachment; filename="monthly-report.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    ctx.body = body;
    deps.reports.write(input, body).catch((err: unknown) => {
      deps.log.error({ err }, "monthly report failed");
      body.destroy(err as Error);
    });
  });
  return router;
}
