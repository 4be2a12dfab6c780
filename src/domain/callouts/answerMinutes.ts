import type { EntityManager } from "typeorm";
import { consoleSetting } from "../settings/systemSettings";
import type { WarningLevel } from "./vocabulary";

/**
 * Minutes to answer a 叫应 by level as they are now: an administrator's choice in the console over
 * CALLOUT_ANSWER_MINUTES. Read when a draft is made; a campaign keeps the minutes it was drafted with.
 */
export async function currentAnswerMinutes(m: EntityManager, configured: Readonly<Record<WarningLevel, number>>): Promise<Record<WarningLevel, number>> {
  return { ...configured, ...((await consoleSetting<Partial<Record<WarningLevel, number>>>(m, "callout_answer_minutes")) ?? {}) };
}
