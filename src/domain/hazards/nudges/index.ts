// The overdue ladder's public face: the tick's service and the digest's query.
export { HazardNudges, type HazardNudgesDeps, type NudgeOutbox, type NudgeRunResult } from "./HazardNudges";
export { NUDGE_STEPS, NUDGE_STATES, nudgeStepLabels, dueSteps, stepDueAt, daysOverdue, ladderPolicy, type NudgeStep, type LadderDays, type DueStep } from "./ladder";
export { listedOverdue, nudgesOf, type ListedOverdue, type NudgeRecord } from "./queries";
