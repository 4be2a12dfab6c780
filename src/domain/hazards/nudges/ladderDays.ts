import type { EntityManager } from "typeorm";
import { consoleSetting } from "../../settings/systemSettings";
import type { LadderDays } from "./ladder";

/**
 * The ladder's days as they are now: an administrator's choice in the console, else
 * HAZARD_LADDER_DAYS. Read when a ladder starts; a running ladder keeps the days it started with.
 */
export async function currentLadderDays(m: EntityManager, configured: LadderDays): Promise<LadderDays> {
  return (await consoleSetting<LadderDays>(m, "hazard_ladder_days")) ?? configured;
}
