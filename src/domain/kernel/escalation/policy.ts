/**
 * An escalation policy: steps at offsets from an anchor, each to an audience. It is plain data so
 * that it can be copied onto a case when the case starts (the snapshot) and read back unchanged
 * however the configuration moves on. Three shapes fit it:
 * - the overdue ladder: anchor = the deadline; reminder −1 day, 提醒单 0, 督办单 +3 days, 挂牌督办 +7;
 * - a 叫应: anchor = the card's send time; remind every N minutes up to M times, then escalate to
 *   the superior, the whole campaign ending at its deadline with a report;
 * - a duty reminder: anchor = the shift's start; remind the person on duty 30 minutes before.
 */

/** What the offsets count from. */
export type Anchor = "deadline" | "sent" | "shift_start";

/**
 * Who hears a step, by names the case kind resolves (`owner`, `superior`, `county_leader`, …).
 * An entry that is a list is a fallback chain: the first name that resolves to someone counts.
 */
export type AudienceSpec = readonly (string | readonly string[])[];

export interface PolicyStep {
  /** Stable within the policy; with the recipient and the run it is the step row's unique key. */
  key: string;
  /** Minutes from the anchor when the step falls due; negative is before it. */
  offsetMinutes: number;
  audience: AudienceSpec;
  /** Taken again `times` more, every `everyMinutes` after the first (keys `key:1` … `key:times`). */
  repeat?: { everyMinutes: number; times: number };
  /** Recorded without a message once this later step (same audience) is due too: "due tomorrow" is moot once "overdue" goes out. */
  supersededBy?: string;
}

export interface EscalationPolicy {
  anchor: Anchor;
  steps: readonly PolicyStep[];
  /** Minutes from the anchor after which nothing more is due (a campaign's deadline); none: until the last step. */
  endMinutes?: number;
  /** Whatever the case kind wants to remember of the case at its start (a hazard's level, a campaign's report duty). */
  facts?: Readonly<Record<string, string | number | boolean>>;
}

/** One concrete step of a policy: repeats unrolled, the offset in milliseconds. */
export interface PlannedStep {
  key: string;
  offsetMs: number;
  audience: AudienceSpec;
  supersededBy?: string;
}

const MINUTE = 60_000;

/** Every step of the policy with repeats unrolled, in the policy's order (ties keep it). */
export function unroll(policy: EscalationPolicy): PlannedStep[] {
  const out: PlannedStep[] = [];
  for (const s of policy.steps) {
    const base = { audience: s.audience, ...(s.supersededBy ? { supersededBy: s.supersededBy } : {}) };
    if (!s.repeat) {
      out.push({ key: s.key, offsetMs: s.offsetMinutes * MINUTE, ...base });
      continue;
    }
    for (let k = 1; k <= s.repeat.times; k++) out.push({ key: `${s.key}:${k}`, offsetMs: (s.offsetMinutes + (k - 1) * s.repeat.everyMinutes) * MINUTE, ...base });
  }
  return out.filter((s) => policy.endMinutes === undefined || s.offsetMs <= policy.endMinutes * MINUTE);
}

/** A step due now: `send` false means record it without a message (superseded). */
export interface DueStep {
  key: string;
  dueAt: Date;
  send: boolean;
  audience: AudienceSpec;
}

/**
 * The steps due at `now` and not yet taken, oldest first (policy order on ties). Several can be
 * due at once after a missed tick or a case started late; all are taken, a superseded one silently.
 */
export function dueSteps(policy: EscalationPolicy, anchor: Date, now: Date, done: ReadonlySet<string>): DueStep[] {
  const steps = unroll(policy);
  const at = (s: PlannedStep) => anchor.getTime() + s.offsetMs;
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const due = steps
    .map((s, order) => ({ s, order }))
    .filter(({ s }) => !done.has(s.key) && at(s) <= now.getTime())
    .map(({ s, order }) => {
      const later = s.supersededBy ? byKey.get(s.supersededBy) : undefined;
      return { order, step: { key: s.key, dueAt: new Date(at(s)), send: !(later && at(later) <= now.getTime()), audience: s.audience } };
    });
  return due.sort((a, b) => a.step.dueAt.getTime() - b.step.dueAt.getTime() || a.order - b.order).map((d) => d.step);
}

/** When the next step not yet taken falls due; null when every step is taken. */
export function nextDueAt(policy: EscalationPolicy, anchor: Date, done: ReadonlySet<string>): Date | null {
  const times = unroll(policy)
    .filter((s) => !done.has(s.key))
    .map((s) => anchor.getTime() + s.offsetMs);
  return times.length ? new Date(Math.min(...times)) : null;
}

/** The snapshot as stored on the run. */
export function serializePolicy(policy: EscalationPolicy): string {
  return JSON.stringify(policy);
}

/** A stored snapshot back; throws on text that is not one (a run is never guessed at). */
export function parsePolicy(text: string): EscalationPolicy {
  const value = JSON.parse(text) as Partial<EscalationPolicy> | null;
  if (!value || typeof value.anchor !== "string" || !Array.isArray(value.steps)) throw new Error("escalation policy snapshot is malformed");
  return value as EscalationPolicy;
}
