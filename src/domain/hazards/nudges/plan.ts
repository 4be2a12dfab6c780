import { createHash } from "node:crypto";
import type { Escalation, Hazard } from "../../../db/entities";
import { type AudienceSpec, dueSteps as dueOnPolicy, type EscalationPolicy } from "../../kernel/escalation";
import { placeOf } from "../report";
import type { Audience } from "./audience";
import { type DueStep, isNudgeStep, NUDGE_STEPS, type NudgeStep } from "./ladder";
import type { NudgeItem } from "./messages";
import type { Candidate } from "./queries";

/** One step to take for one hazard in this tick, with whom it goes to as the run's snapshot says. */
export interface PlannedStep {
  hazard: Hazard;
  run: Escalation;
  deadline: Date;
  due: DueStep;
  audience: AudienceSpec;
}

/** A candidate with the policy copied onto its run. */
export interface PolicyCandidate extends Candidate {
  policy: EscalationPolicy;
}

/** Every step due now across the candidates, on each run's own snapshot, in a fixed order (hazard id, then ladder order). */
export function planSteps(candidates: readonly PolicyCandidate[], now: Date): PlannedStep[] {
  const planned = candidates.flatMap((c) =>
    dueOnPolicy(c.policy, c.deadline, now, c.done)
      .filter((d) => isNudgeStep(d.key))
      .map((d) => ({ hazard: c.hazard, run: c.run, deadline: c.deadline, due: { step: d.key as NudgeStep, dueAt: d.dueAt, send: d.send }, audience: d.audience })),
  );
  // One order for every instance: concurrent ticks insert the same keys in the same sequence, so
  // the loser waits on the first row instead of deadlocking half-way.
  return planned.sort((a, b) => a.hazard.id - b.hazard.id || NUDGE_STEPS.indexOf(a.due.step) - NUDGE_STEPS.indexOf(b.due.step));
}

/** One message to one person: every item of one step kind that is theirs this tick. */
export interface Bundle {
  step: NudgeStep;
  personId: number;
  items: NudgeItem[];
  /** Derived from the sorted (hazard, step, deadline) keys it covers: a retried tick cannot send twice. */
  idempotencyKey: string;
}

/** Groups the steps to send into one bundle per recipient and step kind. */
export function bundleSteps(planned: readonly PlannedStep[], audience: Audience): Bundle[] {
  const groups = new Map<string, { step: NudgeStep; personId: number; steps: PlannedStep[] }>();
  for (const p of planned) {
    if (!p.due.send) continue;
    for (const personId of audience.recipientsOf(p.audience, p.hazard)) {
      const key = `${p.due.step}:${personId}`;
      const group = groups.get(key) ?? { step: p.due.step, personId, steps: [] };
      group.steps.push(p);
      groups.set(key, group);
    }
  }
  return [...groups.values()]
    .sort((a, b) => a.personId - b.personId || NUDGE_STEPS.indexOf(a.step) - NUDGE_STEPS.indexOf(b.step))
    .map((g) => ({ step: g.step, personId: g.personId, items: g.steps.map(toItem), idempotencyKey: keyOf(g.step, g.personId, g.steps) }));
}

function toItem(p: PlannedStep): NudgeItem {
  const h = p.hazard;
  return { hazardId: h.id, number: h.number, place: placeOf(h, h.enterprise, h.unit), category: h.category, level: h.level, deadline: p.deadline };
}

function keyOf(step: NudgeStep, personId: number, steps: readonly PlannedStep[]): string {
  const ids = steps.map((p) => `${p.hazard.id}:${p.due.step}:${p.deadline.getTime()}`).sort();
  const digest = createHash("sha256").update(ids.join(",")).digest("hex").slice(0, 40);
  return `hazard-nudge:${step}:${personId}:${digest}`;
}
