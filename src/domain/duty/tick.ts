import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import type { Database } from "../../db/Database";
import { failureCode } from "../../db/dialect";
import { Escalation, Person } from "../../db/entities";
import { DutyShift } from "../../db/entities/DutyShift";
import { claimSteps, dropRuns, dueRunIds, dueSteps, lockDueRuns, nextDueAt, parsePolicy, retryLostRace, scheduleRun, startRuns, takenSteps } from "../kernel/escalation";
import { type EnqueueRequest, type EnqueueResult, resolveRecipients } from "../outbox";
import { audienceOf, chainOf, serverOf } from "./audience";
import { criticalAt } from "./critical";
import { checkInReminder, escalationText, missedCheckText, reminderCard } from "./messages";
import { shiftPolicy, START_HORIZON_MS, stepWanted } from "./policy";
import type { DutySettings } from "./settings";
import { ensureHolidayPeriods, followWarnings } from "./periods";
import { sendSpotCheck } from "./spotChecks";
import { SHIFT_KIND, SPOT_CHECK_KIND, sourceOfShift } from "./vocabulary";
import { logLine } from "./checkIn";
import { formatLocal } from "../../clock";
import { DutySpotCheck } from "../../db/entities/DutySpotCheck";
import { viewOf } from "./views";

export interface TickOutbox {
  enqueue(tx: EntityManager, request: EnqueueRequest): Promise<EnqueueResult>;
}

export interface TickDeps {
  db: Database;
  outbox: TickOutbox;
  channels: readonly ChannelId[];
  settings: DutySettings;
}

export interface ShiftTickResult {
  steps: number;
  messages: number;
  failed: { id: number; code: string }[];
}

const BATCH = 500;

/**
 * Shift reminders on the escalation engine. Each tick starts a run for every shift within two
 * days whose start has none (the policy — times, audiences, critical or not — copied onto it),
 * then takes each due run under its row lock, in one transaction with its step rows and outbox
 * rows. A run whose shift was deleted or moved is dropped (a moved shift gets a new run on its new
 * start). Nothing is kept in memory: a restart or a second instance neither skips nor repeats a
 * step, and a tick missed by a restart takes the steps late.
 */
export async function runShiftTick(deps: TickDeps, now: Date): Promise<ShiftTickResult> {
  await retryLostRace(() => deps.db.transaction((tx) => startShiftRuns(tx, deps.settings, now)));
  const result: ShiftTickResult = { steps: 0, messages: 0, failed: [] };
  await takeAll(deps, SHIFT_KIND, now, result, takeRun);
  await takeAll(deps, SPOT_CHECK_KIND, now, result, takeCheckRun);
  return result;
}

type Taker = (deps: TickDeps, tx: EntityManager, runId: number, now: Date) => Promise<{ steps: number; messages: number }>;

/** Each due run of a kind in its own transaction: one bad shift costs only its own steps. */
async function takeAll(deps: TickDeps, kind: typeof SHIFT_KIND | typeof SPOT_CHECK_KIND, now: Date, result: ShiftTickResult, take: Taker): Promise<void> {
  const ids = await dueRunIds(deps.db.manager, kind, now, BATCH);
  for (const id of ids) {
    try {
      const taken = await retryLostRace(() => deps.db.transaction((tx) => take(deps, tx, id, now)));
      result.steps += taken.steps;
      result.messages += taken.messages;
    } catch (err) {
      result.failed.push({ id, code: failureCode(err) });
    }
  }
}

/**
 * A spot check's chasing: unanswered at its deadline → the duty log says so and the duty leader
 * is told; still unanswered → the unit head. An answer, however late, ends it.
 */
async function takeCheckRun(deps: TickDeps, tx: EntityManager, runId: number, now: Date): Promise<{ steps: number; messages: number }> {
  const [run] = await lockDueRuns(tx, [runId], now);
  if (!run) return { steps: 0, messages: 0 };
  const check = await tx.findOneBy(DutySpotCheck, { id: run.caseId });
  const shift = check ? await tx.findOneBy(DutyShift, { id: check.shiftId }) : null;
  if (!check || !shift || check.answeredAt) {
    await dropRuns(tx, [run.id], now);
    return { steps: 0, messages: 0 };
  }
  const policy = parsePolicy(run.policy as string);
  const done = new Set((await takenSteps(tx, [run.id])).map((s) => s.step));
  const due = dueSteps(policy, run.anchorAt, now, done);
  const view = await viewOf(tx, shift);
  let messages = 0;
  for (const step of due) {
    const targets = await audienceOf(tx, shift, step.audience, now);
    await claimSteps(tx, [{ escalationId: run.id, caseKind: SPOT_CHECK_KIND, caseId: check.id, step: step.key, targetPersonId: targets[0] ?? null }], now);
    if (step.key === "missed") await logLine(tx, shift, "spot_missed", serverOf(shift), now, `查岗未在 ${formatLocal(check.dueAt)} 前应答`);
    for (const personId of targets) {
      const person = await tx.findOneByOrFail(Person, { id: personId });
      const r = await deps.outbox.enqueue(tx, {
        idempotencyKey: `duty-check:${check.id}:${step.key}:${personId}`,
        lane: "callout",
        message: missedCheckText(view, check.sentAt, step.key),
        recipients: await resolveRecipients(tx, [person], deps.channels),
        source: sourceOfShift(shift.id),
      });
      if (r.created) messages += 1;
    }
    done.add(step.key);
  }
  await scheduleRun(tx, run, nextDueAt(policy, run.anchorAt, done), now);
  return { steps: due.length, messages };
}

async function startShiftRuns(tx: EntityManager, settings: DutySettings, now: Date): Promise<void> {
  // Critical periods first, so a shift starting in one is planned with the tighter rules.
  await ensureHolidayPeriods(tx, now);
  await followWarnings(tx, now);
  const rows = await tx
    .createQueryBuilder(DutyShift, "s")
    .leftJoin(Escalation, "e", "e.case_kind = :kind AND e.case_id = s.id AND e.anchor_at = s.start_at", { kind: SHIFT_KIND })
    .where("e.id IS NULL AND s.end_at > :now AND s.start_at <= :horizon", { now, horizon: new Date(now.getTime() + START_HORIZON_MS) })
    .orderBy("s.start_at", "ASC")
    .addOrderBy("s.id", "ASC")
    .limit(BATCH)
    .getMany();
  const starts = [];
  for (const shift of rows) {
    const critical = (await criticalAt(tx, await chainOf(tx, shift.unitId), shift.startAt)).length > 0;
    const policy = shiftPolicy(shift, settings, critical);
    starts.push({ caseId: shift.id, anchorAt: shift.startAt, policy, nextActionAt: nextDueAt(policy, shift.startAt, new Set()) });
  }
  await startRuns(tx, SHIFT_KIND, starts, now);
}

async function takeRun(deps: TickDeps, tx: EntityManager, runId: number, now: Date): Promise<{ steps: number; messages: number }> {
  const [run] = await lockDueRuns(tx, [runId], now);
  if (!run) return { steps: 0, messages: 0 };
  const shift = await tx.findOneBy(DutyShift, { id: run.caseId });
  if (!shift || shift.startAt.getTime() !== run.anchorAt.getTime()) {
    await dropRuns(tx, [run.id], now);
    return { steps: 0, messages: 0 };
  }
  const policy = parsePolicy(run.policy as string);
  const done = new Set((await takenSteps(tx, [run.id])).map((s) => s.step));
  const due = dueSteps(policy, run.anchorAt, now, done);
  const critical = policy.facts?.critical === true;
  const view = await viewOf(tx, shift);
  let messages = 0;
  for (const step of due) {
    const send = step.send && stepWanted(step, shift, run.startedAt, now);
    if (step.key.startsWith("spot")) {
      // A random spot check: its own card, log line and chasing run, written with this step.
      await claimSteps(tx, [{ escalationId: run.id, caseKind: SHIFT_KIND, caseId: shift.id, step: step.key, outcome: send ? "sent" : "skipped" }], now);
      if (send) await sendSpotCheck(tx, deps, null, shift.id, now);
      if (send) messages += 1;
      done.add(step.key);
      continue;
    }
    const targets = send ? await audienceOf(tx, shift, step.audience, now) : [];
    await claimSteps(tx, [{ escalationId: run.id, caseKind: SHIFT_KIND, caseId: shift.id, step: step.key, outcome: send ? "sent" : "skipped", targetPersonId: targets[0] ?? null }], now);
    const message = step.key === "evening" || step.key === "before" ? reminderCard(view, step.key, critical, run.anchorAt) : step.key === "checkin1" ? checkInReminder(view) : escalationText(view, step.key);
    for (const personId of targets) {
      const person = await tx.findOneByOrFail(Person, { id: personId });
      const r = await deps.outbox.enqueue(tx, {
        idempotencyKey: `duty:${shift.id}:${run.anchorAt.getTime()}:${step.key}:${personId}`,
        lane: "callout",
        message,
        recipients: await resolveRecipients(tx, [person], deps.channels),
        source: sourceOfShift(shift.id),
      });
      if (r.created) messages += 1;
    }
    done.add(step.key);
  }
  await scheduleRun(tx, run, nextDueAt(policy, run.anchorAt, done), now);
  return { steps: due.length, messages };
}
