import Router from "@koa/router";
import { In } from "typeorm";
import type { Clock } from "../../clock";
import type { Config } from "../../config";
import type { Database } from "../../db/Database";
import { Person } from "../../db/entities";
import { LEVELS } from "../../domain/callouts/vocabulary";
import { QuotaService } from "../../domain/quotas";
import { one } from "../presenters/present";

/** The four rungs of the overdue ladder, in HAZARD_LADDER_DAYS order. */
const LADDER = ["到期提醒", "提醒单", "督办单", "挂牌督办"] as const;

type SettingsConfig = Pick<Config, "hazards" | "callouts" | "outbox" | "digest">;

/**
 * 系统设置, read side: the overdue ladder, 叫应 answer times, quiet hours, digest recipients, the
 * inspection quotas and frequencies — each with where it is changed (a setting in .env, or the
 * route that edits it), so the page can say so. Sections other features add (critical periods,
 * duty) join here as they land.
 */
export function settingsRoutes(deps: { db: Database; clock: Clock; config: SettingsConfig }): Router {
  const router = new Router({ prefix: "/api/settings" });
  const quotas = new QuotaService({ db: deps.db, clock: deps.clock });
  router.get("/", async (ctx) => {
    const { hazards, callouts, outbox, digest } = deps.config;
    const mobiles = [...new Set([...digest.recipients, ...digest.reportRecipients])];
    const people = mobiles.length ? await deps.db.manager.find(Person, { where: { mobile: In(mobiles) }, select: { id: true, name: true, mobile: true } }) : [];
    const named = (list: readonly string[]) => list.map((mobile) => ({ mobile, person: people.find((p) => p.mobile === mobile)?.name ?? null }));
    ctx.body = one({
      hazardLadder: { steps: LADDER.map((label, i) => ({ label, daysAfterDeadline: hazards.ladderDays[i] ?? null })), changedBy: "HAZARD_LADDER_DAYS" },
      calloutAnswerMinutes: {
        levels: (Object.keys(LEVELS) as (keyof typeof LEVELS)[]).map((code) => ({ code, label: LEVELS[code], minutes: callouts.answerMinutes[code] })),
        changedBy: "CALLOUT_ANSWER_MINUTES",
      },
      quietHours: { value: outbox.quietHours, changedBy: "QUIET_HOURS" },
      digest: { hour: digest.hour, recipients: named(digest.recipients), reportRecipients: named(digest.reportRecipients), changedBy: "DIGEST_HOUR、DIGEST_RECIPIENTS、REPORT_RECIPIENTS；个人开关：PUT /api/digests/settings" },
      quotas: { rules: await quotas.rules(), frequencies: await quotas.frequencies(), changedBy: "PUT /api/quotas/rules/:role、PUT /api/quotas/frequencies/:risk" },
      // The duty feature (issue 12) brings critical periods; until then the page says it is not open.
      criticalPeriods: null,
    });
  });
  return router;
}
