import { dueSteps as dueOnPolicy, type EscalationPolicy } from "../../kernel/escalation";
import type { HazardLevel, HazardState } from "../vocabulary";

/**
 * The overdue ladder ("三单" of DOMAIN.md), as pure arithmetic on a deadline: which steps are
 * due at an instant. The database decides which of them were already taken.
 */

/** The steps in ladder order: reminder, 提醒单, 督办单, 挂牌督办. */
export const NUDGE_STEPS = ["reminder", "notice", "order", "listed"] as const;
export type NudgeStep = (typeof NUDGE_STEPS)[number];

export const nudgeStepLabels: Record<NudgeStep, string> = { reminder: "到期提醒", notice: "提醒单", order: "督办单", listed: "挂牌督办" };

/** Days from the deadline for each step, in ladder order (config.hazards.ladderDays). */
export type LadderDays = readonly [number, number, number, number];

/**
 * States in which the rectification is the owner's to finish. `submitted` is excluded: the owner
 * has handed in proof and the hazard waits for 复查, so it is not overdue for them; `verified` and
 * `closed` are done, and `reported` has no deadline yet.
 */
export const NUDGE_STATES: readonly HazardState[] = ["assigned", "rectifying"];

/**
 * Who hears each step, by the names audience.ts resolves. 督办单 goes to the enterprise's 行政负责人
 * when it has one, else to the head of the supervising unit found up the unit tree.
 */
const AUDIENCE: Record<NudgeStep, EscalationPolicy["steps"][number]["audience"]> = {
  reminder: ["owner"],
  notice: ["owner", "supervisor"],
  order: [["enterprise_admin", "unit_head"]],
  listed: ["county_leader"],
};

const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;

/**
 * The ladder as the escalation policy copied onto a hazard when its deadline is set: anchored on
 * the deadline, a 重大隐患 listed (挂牌督办) as soon as it is overdue. A reminder is superseded by
 * the 提醒单 ("due tomorrow" means nothing once the 提醒单 says "overdue" to the same owner); steps
 * to different people are never skipped — a missed week still tells the unit head and the deputy leader.
 */
export function ladderPolicy(ladder: LadderDays, level: HazardLevel): EscalationPolicy {
  return {
    anchor: "deadline",
    facts: { level },
    steps: NUDGE_STEPS.map((step, i) => {
      const days = ladder[i] as number;
      const offset = step === "listed" && level === "major" ? Math.min(days, 0) : days;
      return { key: step, offsetMinutes: offset * DAY_MINUTES, audience: AUDIENCE[step], ...(step === "reminder" ? { supersededBy: "notice" } : {}) };
    }),
  };
}

/** When `step` falls due for a hazard; a 重大隐患 is 挂牌督办 as soon as it is overdue. */
export function stepDueAt(step: NudgeStep, deadline: Date, level: HazardLevel, ladder: LadderDays): Date {
  const offset = ladder[NUDGE_STEPS.indexOf(step)] * DAY_MS;
  const at = deadline.getTime() + (step === "listed" && level === "major" ? Math.min(offset, 0) : offset);
  return new Date(at);
}

/** The earliest any step can fall due, as days from the deadline: bounds the start query. */
export function earliestOffsetDays(ladder: LadderDays): number {
  return Math.min(...ladder, 0);
}

/** One step due now: `send` false means record it without a message (superseded). */
export interface DueStep {
  step: NudgeStep;
  dueAt: Date;
  send: boolean;
}

/** What the ladder needs to know about a hazard. */
export interface LadderInput {
  deadline: Date;
  level: HazardLevel;
  /** Steps already taken for this deadline. */
  done: ReadonlySet<NudgeStep>;
}

/** Whether a policy step's key is one of the ladder's. */
export const isNudgeStep = (key: string): key is NudgeStep => (NUDGE_STEPS as readonly string[]).includes(key);

/**
 * The steps due at `now` and not yet taken, in ladder order, on the ladder's policy. Several can
 * be due at once after a missed tick or when a hazard is assigned with a past deadline; all of
 * them are taken, except that a superseded step is recorded silently.
 */
export function dueSteps(input: LadderInput, now: Date, ladder: LadderDays): DueStep[] {
  return dueOnPolicy(ladderPolicy(ladder, input.level), input.deadline, now, input.done)
    .filter((d) => isNudgeStep(d.key))
    .map((d) => ({ step: d.key as NudgeStep, dueAt: d.dueAt, send: d.send }));
}

/** Whole days past the deadline (0 on the day it passes; negative before it). */
export function daysOverdue(deadline: Date, now: Date): number {
  return Math.floor((now.getTime() - deadline.getTime()) / DAY_MS);
}
