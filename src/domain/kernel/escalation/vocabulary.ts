/** The closed vocabularies of the escalation engine, stored as stable codes. */

/** What a run escalates: a hazard's overdue ladder, a 叫应 campaign, a duty shift's reminders, a duty spot check (查岗), a public tip's verification and feedback deadlines. */
export const CASE_KINDS = ["hazard", "callout", "duty", "duty_check", "tip"] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/**
 * active: the tick has work for it now or later; done: every step taken (or the case ended as
 * planned); dropped: the case changed under it (closed, handed in, deadline moved), so its
 * remaining steps are not sent; cancelled: ended by a person (a campaign withdrawn).
 */
export const RUN_STATES = ["active", "done", "dropped", "cancelled"] as const;
export type RunState = (typeof RUN_STATES)[number];

/** sent: the step's messages were enqueued with it; skipped: recorded silently (superseded). */
export type StepOutcome = "sent" | "skipped";

/** A step of the case as a whole rather than of one of its recipients. */
export const WHOLE_CASE = 0;
