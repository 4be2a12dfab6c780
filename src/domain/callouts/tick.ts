import { type EntityManager, In } from "typeorm";
import type { Database } from "../../db/Database";
import { failureCode, isLostRace, isMysqlFamily } from "../../db/dialect";
import { Callout, CalloutRecipient } from "../../db/entities";
import { closeCallout } from "./close";
import { lockCallout } from "./lock";
import { actionFor } from "./schedule";
import { escalateBatch, remindBatch, sendBatch, type StepDeps } from "./steps";
import { sourceOf } from "./vocabulary";

export interface TickDeps extends StepDeps {
  db: Database;
  /** Rows per transaction and per card (WeChat Work: ≤ 1000 users a call). */
  batch?: number;
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

/** One transaction's worth of due rows of one campaign; returns how many steps were taken. */
async function onePass(tx: EntityManager, deps: TickDeps, calloutId: number, now: Date): Promise<number> {
  const c = await lockCallout(tx, calloutId);
  if (!c || c.state !== "sent") return 0;
  const query = tx
    .createQueryBuilder(CalloutRecipient, "r")
    .where("r.callout_id = :id AND r.next_action_at <= :now", { id: calloutId, now })
    .orderBy("r.id", "ASC")
    .take(deps.batch ?? 1000);
  if (isMysqlFamily(tx)) query.setLock("pessimistic_write");
  const rows = await query.getMany();
  if (rows.length === 0) return 0;
  const pending = rows.filter((r) => actionFor(c, r, now) === "send");
  if (pending.length) {
    await sendBatch(tx, deps, c, pending, now);
    return pending.length;
  }
  const esc = rows.filter((r) => actionFor(c, r, now) === "escalate");
  if (esc.length) await escalateBatch(tx, deps, c, esc, now);
  const remind = rows.filter((r) => actionFor(c, r, now) === "remind");
  for (const k of [...new Set(remind.map((r) => r.remindersSent + 1))]) {
    await remindBatch(tx, deps, c, remind.filter((r) => r.remindersSent + 1 === k), k, now);
  }
  const idle = rows.filter((r) => actionFor(c, r, now) === "none").map((r) => r.id);
  if (idle.length) await tx.update(CalloutRecipient, { id: In(idle) }, { nextActionAt: null });
  return esc.length + remind.length + idle.length;
}

/**
 * The platform's later verdicts: a delivery refused as an invalid user (or failed for good)
 * makes a waiting row unreachable and due, so the next pass escalates it at once.
 */
async function noteRefusals(deps: TickDeps, calloutId: number, now: Date): Promise<void> {
  const refused = await deps.outbox.deliveriesOfSource(sourceOf(calloutId), deps.db.manager, { statuses: ["invalid", "failed"] });
  const people = [...new Set(refused.filter((d) => d.outcome === "unreachable" && d.personId !== null).map((d) => d.personId as number))];
  if (people.length === 0) return;
  await deps.db.manager.update(CalloutRecipient, { calloutId, personId: In(people), state: "sent" }, { state: "unreachable", nextActionAt: now });
}

/** A lost race (duplicate step key, deadlock, lock timeout, busy) means another instance did the work. */
async function guarded<T>(work: () => Promise<T>): Promise<T | 0> {
  try {
    return await work();
  } catch (err) {
    if (isLostRace(err)) return 0;
    throw err;
  }
}
