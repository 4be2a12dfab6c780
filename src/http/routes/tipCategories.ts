import Router from "@koa/router";
import { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { TipService } from "../../domain/tips";
import { saveCategory } from "../../domain/tips/categories";
import { appendAudit } from "../../domain/audit/auditLog";
import { actor } from "../actor";
import { authenticate, requirePermission } from "../middleware/auth";
import { parseInput } from "../validate";

export const CategoryBody = z.object({
  name: z.string({ error: "类别名称应为文字" }).optional(),
  hint: z.string({ error: "说明应为文字" }).optional(),
  sortOrder: z.number({ error: "排序应为数字" }).int("排序应为整数").min(0, "排序不能为负").max(10_000, "排序不能超过 10000").optional(),
  active: z.boolean({ error: "是否启用应为 true 或 false" }).optional(),
});

/**
 * The categories of public tips, for staff: `GET /api/tip-categories` (any signed-in person, every
 * category with whether it is active) and `PUT /api/tip-categories/:code` (administrators: create or
 * edit; a category is deactivated, never deleted, so old tips keep their category).
 */
export function tipCategoryRoutes(deps: { db: Database; clock: Clock; tips: TipService }): Router {
  const router = new Router({ prefix: "/api/tip-categories" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });
  router.get("/", auth, async (ctx) => {
    ctx.body = { data: await deps.tips.categories({ activeOnly: false }) };
  });
  // A console administrator, by grant or by directory role.
  router.put("/:code", auth, requirePermission(deps.db, "settings:write"), async (ctx) => {
    const body = parseInput(CategoryBody, ctx.request.body ?? {});
    const code = ctx.params.code ?? "";
    const before = (await deps.tips.categories({ activeOnly: false })).find((c) => c.code === code) ?? null;
    // Saved and audited together (the public form lists these categories).
    ctx.body = {
      data: await deps.db.transaction(async (tx) => {
        const saved = await saveCategory(tx, code, body, deps.clock.now());
        await appendAudit(tx, { at: deps.clock.now(), actor: `person:${actor(ctx).id}`, action: before ? "tip_category.update" : "tip_category.create", entityType: "tip_category", entityId: code, before, after: saved });
        return saved;
      }),
    };
  });
  return router;
}
