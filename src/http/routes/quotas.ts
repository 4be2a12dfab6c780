import Router from "@koa/router";
import { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { INSPECTION_KINDS, INSPECTION_READER_ROLES } from "../../domain/inspections";
import { riskLevels, roles } from "../../domain/org/vocabulary";
import { monthOf, type QuotaService } from "../../domain/quotas";
import { saveFrequency, saveRule } from "../../domain/quotas/rules";
import { appendAudit } from "../../domain/audit/auditLog";
import { actor } from "../actor";
import { authenticate, requirePermission, requireRole } from "../middleware/auth";
import { Invalid } from "../../errors";
import { parseInput } from "../validate";

export interface QuotaRouteDeps {
  db: Database;
  clock: Clock;
  quotas: QuotaService;
}

export const ProgressQuery = z.object({
  unit: z.string({ error: "请提供单位编码 unit" }).min(1, "请提供单位编码 unit"),
  period: z.string().optional(),
});

export const OverdueQuery = z.object({ unit: z.string({ error: "请提供单位编码 unit" }).min(1, "请提供单位编码 unit") });

export const RuleBody = z
  .object({
    period: z.enum(["week", "month", "half_year"], { error: "周期应为 week（每周）、month（每月）或 half_year（每半年）" }),
    required: z.number({ error: "次数应为整数" }).int("次数应为整数").min(0, "次数不能为负（0 表示取消该角色的任务）").max(100, "次数不超过 100"),
    inspectionKind: z.enum(INSPECTION_KINDS, { error: `检查方式应为 ${INSPECTION_KINDS.join("、")} 之一` }).nullable().optional(),
    ownEnterprises: z.boolean({ error: "ownEnterprises 应为 true 或 false" }).optional(),
    eachEnterprise: z.boolean({ error: "eachEnterprise 应为 true 或 false" }).optional(),
  })
  .strict();

export const FrequencyBody = z.object({ months: z.number({ error: "月数应为整数" }).int("月数应为整数").min(1, "月数应在 1–24 之间").max(24, "月数应在 1–24 之间") }).strict();

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

  // Editing the rules is the administrator's (settings:write, which a console grant gives as well as
  // the directory's 管理员 role): they decide what every person is measured against. A role holds one rule per period: this replaces the body's period's rule and leaves the others.
  router.put("/rules/:role", auth, requirePermission(deps.db, "settings:write"), async (ctx) => {
    const role = roles.parse(String(ctx.params.role));
    if (!role) throw Invalid(`角色应为 ${roles.choices()} 之一`, undefined, "invalid_role");
    const body = parseInput(RuleBody, ctx.request.body ?? {});
    const rule = { role, period: body.period, required: body.required, inspectionKind: body.inspectionKind ?? null, ownEnterprises: body.ownEnterprises ?? false, eachEnterprise: body.eachEnterprise ?? false };
    const before = (await deps.quotas.rules()).find((r) => r.role === role && r.period === body.period) ?? null;
    // The rule and its audit line commit together: who changed what every person is measured against.
    await deps.db.transaction(async (tx) => {
      await saveRule(tx, rule);
      await appendAudit(tx, { at: deps.clock.now(), actor: `person:${actor(ctx).id}`, action: "quota_rule.set", entityType: "quota_rule", entityId: `${role}:${body.period}`, before, after: rule.required > 0 ? rule : null });
    });
    ctx.body = { data: await deps.quotas.rules() };
  });

  router.get("/frequencies", auth, readers, async (ctx) => {
    ctx.body = { data: await deps.quotas.frequencies() };
  });

  router.put("/frequencies/:risk", auth, requirePermission(deps.db, "settings:write"), async (ctx) => {
    const risk = riskLevels.parse(String(ctx.params.risk));
    if (!risk) throw Invalid(`风险颜色应为 ${riskLevels.choices()} 之一`, undefined, "invalid_risk_level");
    const body = parseInput(FrequencyBody, ctx.request.body ?? {});
    const before = (await deps.quotas.frequencies())[risk];
    await deps.db.transaction(async (tx) => {
      await saveFrequency(tx, risk, body.months);
      await appendAudit(tx, { at: deps.clock.now(), actor: `person:${actor(ctx).id}`, action: "inspection_frequency.set", entityType: "inspection_frequency", entityId: risk, before: before === undefined ? null : { months: before }, after: { months: body.months } });
    });
    ctx.body = { data: await deps.quotas.frequencies() };
  });

  router.get("/overdue-enterprises", auth, readers, async (ctx) => {
    const q = parseInput(OverdueQuery, ctx.query);
    ctx.body = { data: await deps.quotas.overdueEnterprisesOf(q.unit) };
  });
  return router;
}
