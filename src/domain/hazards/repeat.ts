import { type EntityManager, MoreThanOrEqual } from "typeorm";
import { Hazard } from "../../db/entities";
import type { EnforcementStage } from "./vocabulary";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * "首查服务提醒、再查警告警示、三查依法查处": the stage of a new finding at `enterpriseId` in
 * `category`, from how many earlier findings of the same enterprise and category fall within the
 * window. A free-location hazard has no offender, so it is always advice.
 */
export async function enforcementStageFor(tx: EntityManager, enterpriseId: number | null, category: string, now: Date, windowDays: number): Promise<{ stage: EnforcementStage; earlier: number }> {
  if (enterpriseId === null) return { stage: "advice", earlier: 0 };
  const since = new Date(now.getTime() - windowDays * DAY_MS);
  const earlier = await tx.count(Hazard, { where: { enterpriseId, category, reportedAt: MoreThanOrEqual(since) } });
  return { stage: stageForCount(earlier), earlier };
}

/** First finding → advice, second → warning, third and later → penalty. */
export function stageForCount(earlier: number): EnforcementStage {
  if (earlier <= 0) return "advice";
  return earlier === 1 ? "warning" : "penalty";
}
