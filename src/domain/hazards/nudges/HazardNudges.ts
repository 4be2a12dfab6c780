import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../../channels/channel";
import type { Clock } from "../../../clock";
import type { Database } from "../../../db/Database";
import { failureCode } from "../../../db/dialect";
import { Escalation } from "../../../db/entities";
import { dropRuns, dueRunIds, lockDueRuns, nextDueAt, parsePolicy, retryLostRace, scheduleRun, serializePolicy, startRuns } from "../../kernel/escalation";
import type { EnqueueRequest, EnqueueResult } from "../../outbox";
import { resolveRecipients } from "../../outbox";
import { loadAudience } from "./audience";
import { type LadderDays, ladderPolicy } from "./ladder";
import { currentLadderDays } from "./ladderDays";
import { renderNudge } from "./messages";
import { bundleSteps, type PolicyCandidate, planSteps } from "./plan";
import { LADDER_KIND, loadCandidates, unstartedHazards } from "./queries";
import { claimSteps, recordSteps } from "./record";

/** The part of the outbox the ladder uses. */
export interface NudgeOutbox {
  enqueue(tx: EntityManager, request: EnqueueRequest): Promise<EnqueueResult>;
}

export interface HazardNudgesDeps {
  db: Database;
  outbox: NudgeOutbox;
  clock: Clock;
  /** config.hazards.ladderDays: days from the deadline for reminder, 提醒单, 督办单, 挂牌督办, unless the console set others. */
  ladderDays: LadderDays;
  /** Enabled channels in order of preference, as for every other outbox message. */
  channels: readonly ChannelId[];
  /** Ladders started and ladders taken per tick (oldest first); the rest wait for the next tick. */
  batch?: number;
}

/** What one tick did. */
export interface NudgeRunResult {
  /** Hazards that had at least one step taken. */
  hazards: number;
  /** Steps recorded, including superseded ones recorded without a message. */
  steps: number;
  /** Bundled messages put in the outbox. */
  messages: number;
  /** Hazards whose steps threw (a short code, never message text); the rest went on, the next tick retries these. */
  failed: { id: number; code: string }[];
}

type Taken = Omit<NudgeRunResult, "failed">;

const DEFAULT_BATCH = 500;
/**
 * Past this many failed hazards the cause is not one bad hazard (the database is down, say):
 * stop splitting, and leave the rest due for the next tick instead of failing them one by one.
 */
const MAX_FAILED = 20;

/**
 * The overdue ladder on the escalation engine. Each tick first starts a run for every open hazard
 * whose deadline has none (the ladder's policy — days, audiences — copied onto the run, so a
 * later change of config.hazards.ladderDays leaves running ladders alone), then takes the runs
 * that are due: under the runs' row locks, in one transaction with their step rows, ledger lines
 * and the bundled outbox messages. A run whose hazard changed since it was planned (handed in,
 * closed, deadline extended) is dropped, its steps not sent. Holds no state of its own, so a
 * restart, a missed tick or a second instance neither skips nor repeats a step.
 */
export class HazardNudges {
  constructor(private readonly deps: HazardNudgesDeps) {}

  /** Takes every step due at `now` (default: the clock's); safe to run concurrently on several instances. */
  async runDue(now: Date = this.deps.clock.now()): Promise<NudgeRunResult> {
    const batch = this.deps.batch ?? DEFAULT_BATCH;
    await retryLostRace(() => this.deps.db.transaction((tx) => this.startLadders(tx, now, batch)));
    const ids = await dueRunIds(this.deps.db.manager, LADDER_KIND, now, batch);
    const result: NudgeRunResult = { hazards: 0, steps: 0, messages: 0, failed: [] };
    await this.runGroup(ids, now, result);
    return result;
  }

  /**
   * Starts the ladder of each hazard in range whose current deadline has no run yet, and resumes
   * one dropped while its hazard was handed in and then sent back: the run picks up where it was.
   */
  private async startLadders(tx: EntityManager, now: Date, batch: number): Promise<void> {
    const days = await currentLadderDays(tx, this.deps.ladderDays);
    const found = await unstartedHazards(tx, now, days, batch);
    const fresh = found.filter((u) => u.droppedRunId === null);
    const starts = fresh.map((u) => {
      const policy = ladderPolicy(days, u.level);
      return { caseId: u.hazardId, anchorAt: u.deadline, policy, nextActionAt: nextDueAt(policy, u.deadline, new Set()) };
    });
    await startRuns(tx, LADDER_KIND, starts, now);
    const resumed = found.map((u) => u.droppedRunId).filter((id): id is number => id !== null);
    for (let i = 0; i < resumed.length; i += 500) {
      await tx.createQueryBuilder().update(Escalation).set({ state: "active", nextActionAt: now, endedAt: null }).where("id IN (:...ids) AND state = 'dropped'", { ids: resumed.slice(i, i + 500) }).execute();
    }
  }

  /**
   * Bundling wants the whole batch in one transaction; when it fails, the group is halved until
   * the ladder that fails stands alone and is reported, so one bad hazard costs its neighbours
   * only a few extra transactions and bundles, never their nudges.
   */
  private async runGroup(ids: readonly number[], now: Date, into: NudgeRunResult): Promise<void> {
    if (ids.length === 0 || into.failed.length >= MAX_FAILED) return;
    try {
      const taken = await retryLostRace(() => this.deps.db.transaction((tx) => this.takeDue(tx, ids, now)));
      into.hazards += taken.hazards;
      into.steps += taken.steps;
      into.messages += taken.messages;
    } catch (err) {
      if (ids.length === 1) {
        const run = await this.deps.db.manager.findOneBy(Escalation, { id: ids[0] as number });
        into.failed.push({ id: run?.caseId ?? (ids[0] as number), code: failureCode(err) });
        return;
      }
      const half = Math.ceil(ids.length / 2);
      await this.runGroup(ids.slice(0, half), now, into);
      await this.runGroup(ids.slice(half), now, into);
    }
  }

  private async takeDue(tx: EntityManager, ids: readonly number[], now: Date): Promise<Taken> {
    const { channels, outbox } = this.deps;
    const runs = await lockDueRuns(tx, ids, now);
    const { live, stale } = await loadCandidates(tx, runs);
    await dropRuns(tx, stale.map((r) => r.id), now);
    const candidates = await Promise.all(live.map((c) => this.withPolicy(tx, c)));
    const planned = planSteps(candidates, now);
    for (const c of candidates) {
      const done = new Set([...c.done, ...planned.filter((p) => p.run.id === c.run.id).map((p) => p.due.step)]);
      await scheduleRun(tx, c.run, nextDueAt(c.policy, c.deadline, done), now);
    }
    if (planned.length === 0) return { hazards: 0, steps: 0, messages: 0 };
    await claimSteps(tx, planned, now);
    const audience = await loadAudience(tx, planned.map((p) => p.hazard));
    await recordSteps(tx, planned, audience, now);
    const people = new Map(audience.people().map((p) => [p.id, p]));
    let messages = 0;
    for (const bundle of bundleSteps(planned, audience)) {
      const person = people.get(bundle.personId);
      if (!person) continue;
      const result = await outbox.enqueue(tx, {
        idempotencyKey: bundle.idempotencyKey,
        lane: "routine",
        message: renderNudge(bundle.step, bundle.items, now),
        recipients: await resolveRecipients(tx, [person], channels),
        source: `hazard-nudge:${bundle.step}`,
      });
      if (result.created) messages += 1;
    }
    return { hazards: new Set(planned.map((p) => p.hazard.id)).size, steps: planned.length, messages };
  }

  /**
   * The run's snapshot; a run carried over from before the engine (migration 1765411200000) has
   * none yet and takes the configured ladder now, once, written onto it.
   */
  private async withPolicy(tx: EntityManager, c: Omit<PolicyCandidate, "policy">): Promise<PolicyCandidate> {
    if (c.run.policy !== null) return { ...c, policy: parsePolicy(c.run.policy) };
    const policy = ladderPolicy(await currentLadderDays(tx, this.deps.ladderDays), c.hazard.level);
    await tx.update(Escalation, { id: c.run.id }, { policy: serializePolicy(policy) });
    return { ...c, policy };
  }
}
