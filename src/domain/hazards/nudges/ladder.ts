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
 * A step that is stale once another step to the same people is due: "due tomorrow" means nothing
 * once the 提醒单 says "overdue" to the same owner. Steps to different people are never skipped —
 * a missed week still tells the unit head and the deputy leader.
 */
const SUPERSEDED_BY: Partial<Record<NudgeStep, NudgeStep>> = { reminder: "notice" };

const DAY_MS = 86_400_000;

/** When `step` falls due for a hazard; a 重大隐患 is 挂牌督办 as soon as it is overdue. */
export function stepDueAt(step: NudgeStep, deadline: Date, level: HazardLevel, ladder: LadderDays): Date {
  const offset = ladder[NUDGE_STEPS.indexOf(step)] * DAY_MS;
  const at = deadline.getTime() + (step === "listed" && level === "major" ? Math.min(offset, 0) : offset);
  return new Date(at);
}

/** The earliest any step can fall due, as days from the deadline: bounds the candidate query. */
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

/**
 * The steps due at `now` and not yet taken, in ladder order. Several can be due at once after a
 * missed tick or when a hazard is assigned with a past deadline; all of them are taken, except
 * that a superseded step is recorded silently.
 */
export function dueSteps(input: LadderInput, now: Date, ladder: LadderDays): DueStep[] {
  const due: DueStep[] = [];
  for (const step of NUDGE_STEPS) {
    if (input.done.has(step)) continue;
    const dueAt = stepDueAt(step, input.deadline, input.level, ladder);
    if (dueAt.getTime() > now.getTime()) continue;
    const later = SUPERSEDED_BY[step];
    const stale = later !== undefined && stepDueAt(later, input.deadline, input.level, ladder).getTime() <= now.getTime();
    due.push({ step, dueAt, send: !stale });
  }
  return due.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || NUDGE_STEPS.indexOf(a.step) - NUDGE_STEPS.indexOf(b.step));
}

/** Whole days past the deadline (0 on the day it passes; negative before it). */
export function daysOverdue(deadline: Date, now: Date): number {
  return Math.floor((now.getTime() - deadline.getTime()) / DAY_MS);
}
