import Router from "@koa/router";
import { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { HazardService } from "../../domain/hazards";
import { HAZARD_LEVELS } from "../../domain/hazards";
import { TIP_OFFICER, type TipService } from "../../domain/tips";
import { actor } from "../actor";
import { authenticate, requireRole } from "../middleware/auth";
import { parseInput } from "../validate";

const Body = z.object({
  level: z.enum(HAZARD_LEVELS as unknown as [string, ...string[]], { error: "隐患等级应为 general（一般）或 major（重大）" }),
  category: z.string({ error: "请填写隐患类别" }).trim().min(1, "请填写隐患类别").max(50, "隐患类别不能超过 50 个字"),
});
const Id = z.coerce.number({ error: "编号应为数字" }).int("编号应为整数").positive("编号应为正整数");

/**
 * 转为隐患: `POST /api/tips/:id/hazard` turns a substantiated tip into a hazard in one action (the
 * tip's place, words and photos; the tipster never), linked both ways; again, it answers the same
 * hazard. `GET /api/tips/by-hazard/:hazardId` finds the tip a hazard came from (tip officers).
 */
export function tipHazardRoutes(deps: { db: Database; clock: Clock; tips: TipService; hazards: HazardService }): Router {
  const router = new Router({ prefix: "/api/tips" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });

  router.post("/:id/hazard", auth, async (ctx) => {
    const id = parseInput(Id, ctx.params.id);
    const body = parseInput(Body, ctx.request.body ?? {});
    const who = actor(ctx);
    const from = await deps.tips.forHazard(id, who);
    // The request key makes a retry (or a crash between the two steps) find the hazard already made.
    const hazard = await deps.hazards.report(who, {
      source: "tip",
      enterpriseId: from.enterpriseId,
      place: from.place,
      category: body.category,
      level: body.level as (typeof HAZARD_LEVELS)[number],
      description: from.description,
      photoKeys: from.photoKeys,
      requestKey: `tip:${id}:hazard`,
    });
    await deps.tips.linkHazard(id, hazard, who);
    ctx.status = from.hazardId === null ? 201 : 200;
    ctx.body = { data: { tipId: id, hazard: { id: hazard.id, number: hazard.number } } };
  });

  router.get("/by-hazard/:hazardId", auth, requireRole(TIP_OFFICER), async (ctx) => {
    const hazardId = parseInput(Id, ctx.params.hazardId);
    const tipId = await deps.tips.tipOfHazard(hazardId);
    ctx.body = { data: { hazardId, tipId } };
  });
  return router;
}
