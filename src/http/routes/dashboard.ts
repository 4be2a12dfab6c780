import Router from "@koa/router";
import { IsNull, Like } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OrgUnit } from "../../db/entities";
import { unitNamed } from "../../domain/access/resources";
import { dashboardFigures } from "../../domain/dashboard/figures";
import { Invalid, NotFound } from "../../errors";
import { one } from "../presenters/present";
import { parseInput } from "../validate";
import { DashboardQuery } from "./dashboard.schema";

const DAY = 86_400_000;
const shanghaiDay = (t: Date) => new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const startOf = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** 首页: the figures of the dashboard, for a unit (default: the caller's scope) and a period (default: the last 30 days). */
export function dashboardRoutes(deps: { db: Database; clock: Clock }): Router {
  const router = new Router({ prefix: "/api/dashboard" });
  router.get("/", async (ctx) => {
    const q = parseInput(DashboardQuery, ctx.query);
    const m = deps.db.manager;
    const today = shanghaiDay(deps.clock.now());
    const to = new Date(startOf(q.to ?? today).getTime() + DAY);
    const from = q.from ? startOf(q.from) : new Date(to.getTime() - 30 * DAY);
    if (from >= to) throw Invalid("开始日期应早于结束日期", undefined, "invalid_period");
    if (to.getTime() - from.getTime() > 366 * DAY) throw Invalid("统计期间不超过一年", undefined, "invalid_period");
    const scope = ctx.state.access?.scope;
    let units: Set<number> | null = scope?.unitIds ? new Set(scope.unitIds) : null;
    let breakdown: OrgUnit[];
    if (q.unit) {
      const unit = await unitNamed(m, q.unit);
      if (!unit) throw NotFound(`单位“${q.unit}”`, "unit_not_found");
      const subtree = (await m.find(OrgUnit, { where: { path: Like(`${unit.path}%`) }, select: { id: true } })).map((u) => u.id);
      units = new Set(subtree.filter((id) => !units || units.has(id)));
      breakdown = [unit];
    } else if (scope && scope.roots.length) {
      breakdown = scope.roots;
    } else {
      breakdown = await m.find(OrgUnit, { where: { parentId: IsNull() } });
    }
    if (scope?.code === "self") units = new Set();
    const figures = await dashboardFigures(deps.db, deps.clock, { units, breakdown, from, to, tips: ctx.state.access?.permissions.includes("tips:read") ?? false });
    const named = breakdown.length === 1 ? (breakdown[0] as OrgUnit) : null;
    ctx.body = one({ unit: named ? { id: named.id, code: named.code, name: named.name } : null, ...figures });
  });
  return router;
}
