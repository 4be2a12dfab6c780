import { randomInt } from "node:crypto";
import type { EscalationPolicy, PolicyStep } from "../kernel/escalation";
import type { DutySettings } from "./settings";
import { eveningBefore } from "./time";

/**
 * A shift's reminders as an escalation policy anchored on its start (the engine's `shift_start`):
 * - `evening`: 20:00 the evening before, to the person on duty (a card to confirm 「收到」); silently
 *   recorded when the one-hour reminder is due too (a shift entered late gets one card, not two);
 * - `before`: one hour before (two in a critical period), the same card;
 * - `unconfirmed`: at the start, to the duty leader, when nobody confirmed;
 * - `checkin1..3`: N, 2N, 3N minutes after the start without a check-in: a reminder to the person,
 *   then the duty leader, then the unit head.
 * Nothing past the shift's end is due (`endMinutes`). Whether a due step is sent or only recorded
 * (confirmed, checked in) is decided when it falls due: see `stepWanted`.
 */
export function shiftPolicy(shift: { startAt: Date; endAt: Date }, s: DutySettings, critical: boolean, random: (max: number) => number = (max) => randomInt(max)): EscalationPolicy {
  const before = critical ? s.criticalBeforeMinutes : s.beforeMinutes;
  const evening = Math.round((eveningBefore(shift.startAt, s.eveningHour).getTime() - shift.startAt.getTime()) / 60_000);
  const g = s.checkInGraceMinutes;
  return {
    anchor: "shift_start",
    facts: { critical },
    endMinutes: Math.round((shift.endAt.getTime() - shift.startAt.getTime()) / 60_000),
    steps: [
      ...(evening < -before ? [{ key: "evening", offsetMinutes: evening, audience: ["duty"], supersededBy: "before" }] : []),
      { key: "before", offsetMinutes: -before, audience: ["duty"] },
      { key: "unconfirmed", offsetMinutes: 0, audience: ["leader"] },
      { key: "checkin1", offsetMinutes: g, audience: ["duty"] },
      { key: "checkin2", offsetMinutes: 2 * g, audience: ["leader"] },
      { key: "checkin3", offsetMinutes: 3 * g, audience: ["unit_head"] },
      ...randomChecks(shift, s.randomSpotChecks, random),
    ],
  };
}

/**
 * Random spot checks (查岗) of a shift: drawn once when its run starts and kept in the snapshot, so
 * every instance and every restart agrees when they fall; never in the first or last half hour.
 */
function randomChecks(shift: { startAt: Date; endAt: Date }, count: number, random: (max: number) => number): PolicyStep[] {
  const minutes = Math.round((shift.endAt.getTime() - shift.startAt.getTime()) / 60_000);
  if (count <= 0 || minutes <= 60) return [];
  return Array.from({ length: count }, (_, i) => ({ key: `spot${i + 1}`, offsetMinutes: 30 + random(minutes - 60), audience: ["duty"] }));
}

/** A spot check's chasing, anchored on when it was sent: missed at its deadline → duty leader, then unit head. */
export function spotCheckPolicy(s: DutySettings): EscalationPolicy {
  return {
    anchor: "sent",
    steps: [
      { key: "missed", offsetMinutes: s.spotCheckMinutes, audience: ["leader"] },
      { key: "missed2", offsetMinutes: 2 * s.spotCheckMinutes, audience: ["unit_head"] },
    ],
  };
}

/**
 * Whether a due step is still worth sending, given the shift as it stands now. A step that fell
 * due before its run even started belongs to a shift entered (or moved) late, not to a missed
 * tick: nobody is chased for a start that had passed when the shift was written, and an evening
 * card is not sent the morning after — the one-hour card still goes while the shift has not begun.
 */
export function stepWanted(step: { key: string; dueAt: Date }, shift: { startAt: Date; confirmedAt: Date | null; checkedInAt: Date | null; endAt: Date }, runStartedAt: Date, now: Date): boolean {
  if (now.getTime() >= shift.endAt.getTime()) return false;
  const enteredLate = step.dueAt.getTime() < runStartedAt.getTime();
  if (enteredLate && !(step.key === "before" && now.getTime() < shift.startAt.getTime())) return false;
  if (step.key === "evening" || step.key === "before" || step.key === "unconfirmed") return shift.confirmedAt === null && shift.checkedInAt === null;
  if (step.key.startsWith("checkin")) return shift.checkedInAt === null;
  return true;
}

/** The earliest a shift's run can have work: its runs start this far ahead (the evening reminder of a morning shift). */
export const START_HORIZON_MS = 2 * 86_400_000;
