import { type EntityManager, In, IsNull } from "typeorm";
import type { Database } from "../../db/Database";
import { failureCode } from "../../db/dialect";
import { Callout, CalloutRecipient } from "../../db/entities";
import { chunks, unlessLostRace } from "../kernel/escalation";
import { unreachedPeople } from "./delivery";
import { closeCallout } from "./close";
import { lockCallout } from "./lock";
import { liveCampaign } from "./run";
import { actionFor } from "./schedule";
import { escalateBatch, remindBatch, sendBatch, type StepDeps } from "./steps";

export interface TickDeps extends StepDeps {
  db: Database;
  /** Rows per card message and its transaction (WeChat Work: ≤ 1000 users a call). */
  batch?: number;
  /** Most reminders and escalations one transaction takes (STEP_BATCH). */
  stepBatch?: number;
}

/** A campaign the tick could not move forward: its id and a short code, never message text. */
export interface CampaignFailure {
  id: number;
  code: string;
}

export interface TickResult {
  steps: number;
  closed: number;
  /** Campaigns whose passes threw; the others went on, and the next tick tries these again. */
  failed: CampaignFailure[];
}

/** What one campaign's passes did. */
export interface CampaignRun {
  steps: number;
  closed: boolean;
}

/** Passes per campaign per tick; bounds the work after a long outage (the next tick goes on). */
const MAX_PASSES = 50;

/**
 * Reminders and escalations per pass: a county-wide campaign's whole round in one transaction
 * (so each superior gets one bundle), yet bounded for a bigger one (the next pass goes on).
 */
const STEP_BATCH = 10_000;

/**
 * The tick: for every sent campaign, platform refusals become unreachable rows, due rows get
 * their step (send, remind, escalate), and campaigns past their deadline close with a report.
 * Campaigns are isolated: one that throws is reported in `failed` and the others still get their
 * reminders — a red warning must not wait on a broken blue one.
 */
export async function runDue(deps: TickDeps, now: Date): Promise<TickResult> {
  const result: TickResult = { steps: 0, closed: 0, failed: [] };
  const open = await deps.db.manager.find(Callout, { where: { state: "sent" }, select: { id: true }, order: { id: "ASC" } });
  for (const { id } of open) {
    try {
      const run = await runCampaign(deps, id, now);
      result.steps += run.steps;
      if (run.closed) result.closed += 1;
    } catch (err) {
      result.failed.push({ id, code: failureCode(err) });
    }
  }
  return result;
}

/**
 * One campaign's work: each pass is one transaction holding the campaign's row lock on MariaDB,
 * so two instances take turns; the unique step key is the backstop that makes a lost race a
 * no-op. Throws what is not a lost race.
 */
export async function runCampaign(deps: TickDeps, id: number, now: Date): Promise<CampaignRun> {
  await noteRefusals(deps, id, now);
  let steps = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const done = await guarded(() => deps.db.transaction((tx) => onePass(tx, deps, id, now)));
    steps += done;
    if (done === 0) break;
  }
  const closed = await guarded(() => deps.db.transaction((tx) => closeCallout(tx, deps, id, now)));
  return { steps, closed: closed === true };
}

/**
 * One transaction's worth of due rows of one campaign; returns how many steps were taken. Cards
 * go first, ≤ 1,000 people a pass (one card message, one task id). Then everything else due, up
 * to STEP_BATCH rows read by one query: each step kind is one set of statements and one message
 * (a reminder) or one per superior (escalations), so a 10,000-person campaign's reminder round
 * is a single pass rather than ten thousand updates. The campaign's row lock makes passes take
 * turns; the due rows themselves are read without locks — a locking scan of a whole campaign
 * would hold every answer to it until commit — and each update applies only to rows still
 * silent, so an answer landing meanwhile stands and that person's step is dropped, not sent.
 * The schedule (answer window, reminder interval and count) is read from the campaign's run,
 * the policy copied onto it when it was sent.
 */
async function onePass(tx: EntityManager, deps: TickDeps, calloutId: number, now: Date): Promise<number> {
  const locked = await lockCallout(tx, calloutId);
  if (!locked || locked.state !== "sent") return 0;
  const { run, callout: c } = await liveCampaign(tx, locked);
  if (run.state !== "active") return 0;
  const pending = await dueRows(tx, calloutId, now, "pending", deps.batch ?? 1000);
  if (pending.length) {
    await sendBatch(tx, deps, run, c, pending, now);
    return pending.length;
  }
  const rows = await dueRows(tx, calloutId, now, "other", deps.stepBatch ?? STEP_BATCH);
  if (rows.length === 0) return 0;
  const action = new Map(rows.map((r) => [r.id, actionFor(c, r, now)]));
  const esc = rows.filter((r) => action.get(r.id) === "escalate");
  if (esc.length) await escalateBatch(tx, deps, run, c, esc, now);
  const remind = rows.filter((r) => action.get(r.id) === "remind");
  for (const k of [...new Set(remind.map((r) => r.remindersSent + 1))]) {
    await remindBatch(tx, deps, run, c, remind.filter((r) => r.remindersSent + 1 === k), k, now);
  }
  const idle = rows.filter((r) => action.get(r.id) === "none").map((r) => r.id);
  for (let i = 0; i < idle.length; i += 500) await tx.update(CalloutRecipient, { id: In(idle.slice(i, i + 500)) }, { nextActionAt: null });
  return rows.length;
}

/** Due rows of a campaign, oldest first: those waiting for their card, or all the others. */
function dueRows(tx: EntityManager, calloutId: number, now: Date, which: "pending" | "other", limit: number): Promise<CalloutRecipient[]> {
  return tx
    .createQueryBuilder(CalloutRecipient, "r")
    .select(["r.id", "r.personId", "r.state", "r.sentAt", "r.remindersSent"])
    .where("r.callout_id = :id AND r.next_action_at <= :now", { id: calloutId, now })
    .andWhere(which === "pending" ? "r.state = 'pending'" : "r.state <> 'pending'")
    .orderBy("r.id", "ASC")
    .limit(limit)
    .getMany();
}

/**
 * The platform's later verdicts: a card refused (invalid user), failed for good, or still not
 * sent at the campaign's deadline (its give-up time) makes a waiting row unreachable and due, so
 * the next pass escalates it at once — as a missing account does. A row already escalated for
 * silence only changes its label: its superior was told, and the step happens once.
 */
async function noteRefusals(deps: TickDeps, calloutId: number, now: Date): Promise<void> {
  const people = await unreachedPeople(deps.db.manager, calloutId, now);
  if (people.length === 0) return;
  for (const part of chunks(people)) {
    await deps.db.manager.update(CalloutRecipient, { calloutId, personId: In(part), state: "sent", acknowledgedAt: IsNull() }, { state: "unreachable", nextActionAt: now });
    await deps.db.manager.update(CalloutRecipient, { calloutId, personId: In(part), state: "escalated", acknowledgedAt: IsNull() }, { state: "unreachable" });
  }
}

/** A lost race (duplicate step key, deadlock, lock timeout, busy) means another instance did the work. */
const guarded = <T>(work: () => Promise<T>): Promise<T | 0> => unlessLostRace(work, 0);
