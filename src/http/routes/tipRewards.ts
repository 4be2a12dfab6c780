import Router from "@koa/router";
import { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { TIP_OFFICER, type TipService } from "../../domain/tips";
import { authenticate, requireRole } from "../middleware/auth";
import { parseInput } from "../validate";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const day = (label: string) => z.string({ error: `请提供${label}（YYYY-MM-DD）` }).regex(/^\d{4}-\d{2}-\d{2}$/, `${label}应为 YYYY-MM-DD`);
const Period = z.object({ from: day("开始日期 from"), to: day("结束日期 to") });

/**
 * `GET /api/tips/rewards.xlsx?from=YYYY-MM-DD&to=YYYY-MM-DD`: the reward ledger of a period for the
 * finance office (tip officers and the leaders who approve rewards). It names tips by number only.
 * Mounted before the tips router, whose `/api/tips/:id` would take the path.
 */
export function tipRewardRoutes(deps: { db: Database; clock: Clock; tips: TipService }): Router {
  const router = new Router();
  router.get("/api/tips/rewards.xlsx", authenticate(deps), requireRole(TIP_OFFICER, "chief", "deputy_leader"), async (ctx) => {
    const q = parseInput(Period, ctx.query);
    ctx.body = await deps.tips.rewardLedger(q.from, q.to);
    ctx.type = XLSX;
    ctx.set("Cache-Control", "no-store");
    ctx.set("Content-Disposition", `attachment; filename="tip-rewards.xlsx"; filename*=UTF-8''${encodeURIComponent(`举报奖励台账${q.from}至${q.to}.xlsx`)}`);
  });
  return router;
}
