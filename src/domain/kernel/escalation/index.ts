// The escalation engine (callouts, the overdue ladder, later duty reminders): policies copied onto
// runs, steps written once with their messages, due runs found by index and taken under a row lock.
export * from "./vocabulary";
export * from "./policy";
export { startRuns, dueRunIds, lockDueRuns, scheduleRun, dropRuns, runOf, chunks, CHUNK, type RunStart } from "./runs";
export { claimSteps, takenSteps, stepsOfCase, type StepRow } from "./steps";
export { retryLostRace, unlessLostRace } from "./race";
