import Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Person } from "../../db/entities";
import { DigestService } from "../../domain/digest";
import { calendar } from "../../domain/quotas";
import { Unauthorized } from "../../errors";
import { authenticate } from "../middleware/auth";
import { parseInput } from "../validate";

export interface DigestRouteDeps {
  db: Database;
  clock: Clock;
  digests: DigestService;
}

const personId = z.coerce.number({ error: "人员应为正整数" }).int("人员应为正整数").positive("人员应为正整数");

export const PreviewQuery = z.object({
  person: personId.optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期应为 YYYY-MM-DD").optional(),
  kind: z.enum(["daily", "weekly"], { error: "类型应为 daily 或 weekly" }).optional(),
});

export const SettingsQuery = z.object({ person: personId.optional() });

export const SettingsBody = z
  .object({
    person: personId.optional(),
    enabled: z.boolean({ error: "enabled 应为 true 或 false" }).optional(),
    hour: z.number({ error: "接收时间应为 0–23 的整数，或 null 恢复默认" }).int("接收时间应为整点").min(0, "接收时间应在 0–23 之间").max(23, "接收时间应在 0–23 之间").nullable().optional(),
  })
  .strict();

const actor = (ctx: Context): Person => {
  if (!ctx.state.person) throw Unauthorized();
  return ctx.state.person;
};

/** 每日简报: preview what a leader gets, and their own on/off and hour. Administrators or the person themself. */
export function digestRoutes(deps: DigestRouteDeps): Router {
  const router = new Router({ prefix: "/api/digests" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });

  router.get("/preview", auth, async (ctx) => {
    const q = parseInput(PreviewQuery, ctx.query);
    const me = actor(ctx);
    const id = q.person ?? me.id;
    DigestService.requireSelfOrAdmin(me, id);
    if (q.kind === "weekly") {
      const day = q.date ?? calendar.localDay(deps.clock.now());
      ctx.body = { data: { personId: id, date: day, kind: "weekly", ...(await deps.digests.weeklyPreview(id, day)) } };
      return;
    }
    const p = await deps.digests.preview(id, q.date);
    ctx.body = { data: { personId: p.personId, name: p.name, date: p.day, kind: "daily", markdown: p.markdown, bytes: p.bytes, figures: p.figures } };
  });

  router.get("/settings", auth, async (ctx) => {
    const q = parseInput(SettingsQuery, ctx.query);
    const id = q.person ?? actor(ctx).id;
    DigestService.requireSelfOrAdmin(actor(ctx), id);
    ctx.body = { data: { personId: id, ...(await deps.digests.choice(id)) } };
  });

  router.put("/settings", auth, async (ctx) => {
    const body = parseInput(SettingsBody, ctx.request.body ?? {});
    const id = body.person ?? actor(ctx).id;
    DigestService.requireSelfOrAdmin(actor(ctx), id);
    ctx.body = { data: { personId: id, ...(await deps.digests.setChoice(id, { enabled: body.enabled, hour: body.hour })) } };
  });
  return router;
}
