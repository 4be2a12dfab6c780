import { createHash } from "node:crypto";
import type { Hazard } from "../../../db/entities";
import type { Audience } from "./audience";
import { dueSteps, type DueStep, type LadderDays, NUDGE_STEPS, type NudgeStep } from "./ladder";
import type { NudgeItem } from "./messages";
import { placeOf } from "../report";
import type { Candidate } from "./queries";

/** One step to take for one hazard in this tick. */
export interface PlannedStep {
  hazard: Hazard;
  deadline: Date;
  due: DueStep;
}

/** Every step due now across the candidates, in a fixed order (hazard id, then ladder order). */
export function planSteps(candidates: readonly Candidate[], now: Date, ladder: LadderDays): PlannedStep[] {
  const planned = candidates.flatMap((c) => dueSteps({ deadline: c.deadline, level: c.hazard.level, done: c.done }, now, ladder).map((due) => ({ hazard: c.hazard, deadline: c.deadline, due })));
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
    for (const personId of audience.recipientsOf(p.due.step, p.hazard)) {
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
