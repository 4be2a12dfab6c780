import Router from "@koa/router";
import { In, MoreThan } from "typeorm";
import type { Clock } from "../../clock";
import type { Config } from "../../config";
import type { Database } from "../../db/Database";
import { DutyCriticalPeriod, OrgUnit, Person, TipCategory } from "../../db/entities";
import { PERIOD_KINDS } from "../../domain/duty";
import { currentAnswerMinutes } from "../../domain/callouts/answerMinutes";
import { DEFAULT_ANSWER_MINUTES, LEVELS } from "../../domain/callouts/vocabulary";
import { QuotaService } from "../../domain/quotas";
import { currentLadderDays } from "../../domain/hazards/nudges/ladderDays";
import { consoleSetting, setConsoleSetting } from "../../domain/settings/systemSettings";
import { actor } from "../actor";
import { parseInput } from "../validate";
import { AnswerMinutesBody, LadderBody } from "./settings.schema";
import { one } from "../presenters/present";

/** How an .env setting is changed, for the page. */
const viaEnv = (example: string) => `在服务器的 .env 文件中设置 ${example}，重启服务后生效`;

/** The four rungs of the overdue ladder, in HAZARD_LADDER_DAYS order. */
const LADDER = ["到期提醒", "提醒单", "督办单", "挂牌督办"] as const;

type SettingsConfig = Pick<Config, "hazards" | "callouts" | "outbox" | "digest">;

/**
 * 系统设置, read side: the overdue ladder, 叫应 answer times, quiet hours, digest recipients, the
 * inspection quotas and frequencies, tip categories and critical periods — each with where it is
 * changed (`changedBy`: a setting in .env, or the route that edits it) and, for .env settings,
 * `how` in Chinese, so the page can say so. The data sections are edited on the routes named.
 */
export function settingsRoutes(deps: { db: Database; clock: Clock; config: SettingsConfig }): Router {
  const router = new Router({ prefix: "/api/settings" });
  const quotas = new QuotaService({ db: deps.db, clock: deps.clock });
  const m = deps.db.manager;
  // 重要节点 under way or to come (the duty feature adds and ends them), with their unit's name.
  const periodsFromNow = async () => {
    const rows = await m.find(DutyCriticalPeriod, { where: { endsAt: MoreThan(deps.clock.now()) }, order: { startsAt: "ASC", id: "ASC" }, take: 50 });
    const unitIds = [...new Set(rows.flatMap((p) => (p.unitId === null ? [] : [p.unitId])))];
    const units = unitIds.length ? await m.find(OrgUnit, { where: { id: In(unitIds) }, select: { id: true, name: true } }) : [];
    return rows.map((p) => ({
      id: p.id,
      kind: { code: p.kind, label: PERIOD_KINDS[p.kind as keyof typeof PERIOD_KINDS] ?? p.kind },
      name: p.name,
      unit: p.unitId === null ? null : { id: p.unitId, name: units.find((u) => u.id === p.unitId)?.name ?? null },
      start: p.startsAt.toISOString(),
      end: p.endsAt.toISOString(),
    }));
  };
  // The ladder: the console's days when an administrator set them, else HAZARD_LADDER_DAYS.
  const ladder = async () => {
    const days = await currentLadderDays(m, deps.config.hazards.ladderDays);
    const fromConsole = (await consoleSetting(m, "hazard_ladder_days")) !== null;
    return {
      steps: LADDER.map((label, i) => ({ label, daysAfterDeadline: days[i] ?? null })),
      source: fromConsole ? "console" : "env",
      envDays: deps.config.hazards.ladderDays,
      changedBy: "PUT /api/settings/hazard-ladder",
      how: fromConsole ? "由管理员在本页设置；恢复后使用服务器 .env 中的 HAZARD_LADDER_DAYS" : "管理员可在本页修改；未修改时使用服务器 .env 中的 HAZARD_LADDER_DAYS（如 -1,0,3,7）",
    };
  };

  // 叫应 answer minutes: the console's by level when set, else CALLOUT_ANSWER_MINUTES.
  const answerMinutes = async () => {
    const current = await currentAnswerMinutes(m, { ...DEFAULT_ANSWER_MINUTES, ...deps.config.callouts.answerMinutes });
    const fromConsole = (await consoleSetting(m, "callout_answer_minutes")) !== null;
    return {
      levels: (Object.keys(LEVELS) as (keyof typeof LEVELS)[]).map((code) => ({ code, label: LEVELS[code], minutes: current[code] })),
      source: fromConsole ? "console" : "env",
      changedBy: "PUT /api/settings/callout-answer-minutes",
      how: fromConsole ? "由管理员在本页设置；恢复后使用服务器 .env 中的 CALLOUT_ANSWER_MINUTES" : "管理员可在本页修改；未修改时使用服务器 .env 中的 CALLOUT_ANSWER_MINUTES（如 red:15,orange:30）",
    };
  };

  // New drafts take the new minutes; a campaign already drafted keeps its own.
  router.put("/callout-answer-minutes", async (ctx) => {
    const { minutes } = parseInput(AnswerMinutesBody, ctx.request.body ?? {});
    await deps.db.transaction((tx) => setConsoleSetting(tx, "callout_answer_minutes", minutes, { actor: `person:${actor(ctx).id}`, at: deps.clock.now() }));
    ctx.body = one(await answerMinutes());
  });

  // New ladders take the new days; a ladder already running keeps the days it started with.
  router.put("/hazard-ladder", async (ctx) => {
    const { days } = parseInput(LadderBody, ctx.request.body ?? {});
    await deps.db.transaction((tx) => setConsoleSetting(tx, "hazard_ladder_days", days, { actor: `person:${actor(ctx).id}`, at: deps.clock.now() }));
    ctx.body = one(await ladder());
  });

  router.get("/", async (ctx) => {
    const { hazards, callouts, outbox, digest } = deps.config;
    const mobiles = [...new Set([...digest.recipients, ...digest.reportRecipients])];
    const people = mobiles.length ? await deps.db.manager.find(Person, { where: { mobile: In(mobiles) }, select: { id: true, name: true, mobile: true } }) : [];
    const named = (list: readonly string[]) => list.map((mobile) => ({ mobile, person: people.find((p) => p.mobile === mobile)?.name ?? null }));
    ctx.body = one({
      hazardLadder: await ladder(),
      calloutAnswerMinutes: await answerMinutes(),
      quietHours: { value: outbox.quietHours, changedBy: "QUIET_HOURS", how: viaEnv("QUIET_HOURS=21:00-08:00（北京时间）") },
      digest: {
        hour: digest.hour,
        recipients: named(digest.recipients),
        reportRecipients: named(digest.reportRecipients),
        changedBy: "DIGEST_HOUR、DIGEST_RECIPIENTS、REPORT_RECIPIENTS；个人开关：PUT /api/digests/settings",
        how: viaEnv("DIGEST_HOUR=8、DIGEST_RECIPIENTS=手机号,手机号、REPORT_RECIPIENTS=手机号；领导本人可在聊天中关闭简报或改时间"),
      },
      quotas: { rules: await quotas.rules(), frequencies: await quotas.frequencies(), changedBy: "PUT /api/quotas/rules/:role、PUT /api/quotas/frequencies/:risk" },
      tipCategories: { categories: (await m.find(TipCategory, { order: { sortOrder: "ASC", code: "ASC" } })).map((c) => ({ code: c.code, name: c.name, hint: c.hint, sortOrder: c.sortOrder, active: c.active })), changedBy: "PUT /api/tip-categories/:code" },
      criticalPeriods: { current: await periodsFromNow(), changedBy: "POST /api/duty/critical-periods、POST /api/duty/critical-periods/:id/end" },
    });
  });
  return router;
}
