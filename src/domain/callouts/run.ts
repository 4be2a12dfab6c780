import type { EntityManager } from "typeorm";
import { type Callout, Escalation } from "../../db/entities";
import { type EscalationPolicy, parsePolicy, runOf, serializePolicy, startRuns } from "../kernel/escalation";

/** The escalation engine's name for a 叫应 campaign. */
export const CALLOUT_KIND = "callout" as const;

/**
 * A campaign's policy as the engine keeps it, copied onto the run when the campaign is sent:
 * each person's card at once, a reminder every N minutes up to M times, then their superior,
 * everything capped at the deadline, where the campaign closes with a report. The per-person
 * steps count from that person's card (schedule.ts); the report from the campaign's send time.
 */
export function calloutPolicy(c: Callout): EscalationPolicy {
  const every = c.remindEveryMinutes;
  return {
    anchor: "sent",
    endMinutes: c.answerMinutes,
    facts: { requiresReport: c.requiresReport },
    steps: [
      { key: "send", offsetMinutes: 0, audience: ["self"] },
      { key: "remind", offsetMinutes: every, audience: ["self"], repeat: { everyMinutes: every, times: c.maxReminders } },
      { key: "escalate", offsetMinutes: every * (c.maxReminders + 1), audience: ["superior"] },
      { key: "report", offsetMinutes: c.answerMinutes, audience: ["initiator", "county_leaders"] },
    ],
  };
}

/** Starts the campaign's run as it is sent (the caller's transaction); its own work is the deadline's report. */
export async function startCalloutRun(tx: EntityManager, c: Callout, now: Date): Promise<void> {
  await startRuns(tx, CALLOUT_KIND, [{ caseId: c.id, anchorAt: c.sentAt as Date, policy: calloutPolicy(c), nextActionAt: c.deadlineAt }], now);
}

/** A sent campaign with its run, the schedule read from the run's snapshot rather than today's settings. */
export interface LiveCampaign {
  run: Escalation;
  /** The campaign, its answer window, reminder interval and count as the snapshot has them. */
  callout: Callout;
}

/**
 * The run of a sent campaign and the campaign as its snapshot schedules it. A campaign sent
 * before the engine (migration 1765411200000) has a run without a policy: its own settings,
 * fixed since it was sent, are copied onto the run now.
 */
export async function liveCampaign(tx: EntityManager, c: Callout): Promise<LiveCampaign> {
  const run = await runOf(tx, CALLOUT_KIND, c.id, c.sentAt as Date);
  if (!run) throw new Error(`callout ${c.id} has no escalation run`);
  if (run.policy === null) {
    run.policy = serializePolicy(calloutPolicy(c));
    await tx.update(Escalation, { id: run.id }, { policy: run.policy });
  }
  const policy = parsePolicy(run.policy);
  const remind = policy.steps.find((s) => s.key === "remind");
  const callout = Object.assign(Object.create(Object.getPrototypeOf(c) as object) as Callout, c, {
    answerMinutes: policy.endMinutes ?? c.answerMinutes,
    remindEveryMinutes: remind?.repeat?.everyMinutes ?? c.remindEveryMinutes,
    maxReminders: remind?.repeat?.times ?? 0,
    deadlineAt: new Date(run.anchorAt.getTime() + (policy.endMinutes ?? c.answerMinutes) * 60_000),
  });
  return { run, callout };
}

/** Ends the campaign's run: done at the deadline's report, cancelled when withdrawn. */
export async function endCalloutRun(tx: EntityManager, calloutId: number, state: "done" | "cancelled", now: Date): Promise<void> {
  await tx.update(Escalation, { caseKind: CALLOUT_KIND, caseId: calloutId, state: "active" }, { state, nextActionAt: null, endedAt: now });
}
