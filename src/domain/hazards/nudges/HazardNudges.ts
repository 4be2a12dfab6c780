import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../../channels/channel";
import type { Clock } from "../../../clock";
import type { Database } from "../../../db/Database";
import { failureCode, isLostRace } from "../../../db/dialect";
import type { EnqueueRequest, EnqueueResult } from "../../outbox";
import { resolveRecipients } from "../../outbox";
import { loadAudience } from "./audience";
import type { LadderDays } from "./ladder";
import { renderNudge } from "./messages";
import { bundleSteps, planSteps } from "./plan";
import { candidateIds, loadCandidates } from "./queries";
import { claimSteps, recordSteps } from "./record";

/** The part of the outbox the ladder uses. */
export interface NudgeOutbox {
  enqueue(tx: EntityManager, request: EnqueueRequest): Promise<EnqueueResult>;
}

export interface HazardNudgesDeps {
  db: Database;
  outbox: NudgeOutbox;
  clock: Clock;
  /** config.hazards.ladderDays: days from the deadline for reminder, 提醒单, 督办单, 挂牌督办. */
  ladderDays: LadderDays;
  /** Enabled channels in order of preference, as for every other outbox message. */
  channels: readonly ChannelId[];
  /** Hazards looked at per tick (oldest deadline first); the rest wait for the next tick. */
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
/** A lost race means another instance took the same steps; one fresh look finds what is left. */
const MAX_ATTEMPTS = 3;
/**
 * Past this many failed hazards the cause is not one bad hazard (the database is down, say):
 * stop splitting, and leave the rest due for the next tick instead of failing them one by one.
 */
const MAX_FAILED = 20;

/**
 * The overdue ladder: on every tick, takes the steps that are due and not yet recorded, in one
 * transaction with their ledger lines and the bundled outbox messages. Holds no state of its own,
 * so a restart, a missed tick or a second instance neither skips nor repeats a step.
 */
export class HazardNudges {
  constructor(private readonly deps: HazardNudgesDeps) {}

  /** Takes every step due at `now` (default: the clock's); safe to run concurrently on several instances. */
  async runDue(now: Date = this.deps.clock.now()): Promise<NudgeRunResult> {
    const ids = await candidateIds(this.deps.db.manager, now, this.deps.ladderDays, this.deps.batch ?? DEFAULT_BATCH);
    const result: NudgeRunResult = { hazards: 0, steps: 0, messages: 0, failed: [] };
    await this.runGroup(ids, now, result);
    return result;
  }

  /**
   * Bundling wants the whole batch in one transaction; when it fails, the group is halved until
   * the hazard that fails stands alone and is reported, so one bad hazard costs its neighbours
   * only a few extra transactions and bundles, never their nudges.
   */
  private async runGroup(ids: readonly number[], now: Date, into: NudgeRunResult): Promise<void> {
    if (ids.length === 0 || into.failed.length >= MAX_FAILED) return;
    try {
      const taken = await this.attempt(ids, now);
      into.hazards += taken.hazards;
      into.steps += taken.steps;
      into.messages += taken.messages;
    } catch (err) {
      if (ids.length === 1) {
        into.failed.push({ id: ids[0] as number, code: failureCode(err) });
        return;
      }
      const half = Math.ceil(ids.length / 2);
      await this.runGroup(ids.slice(0, half), now, into);
      await this.runGroup(ids.slice(half), now, into);
    }
  }

  private async attempt(ids: readonly number[], now: Date): Promise<Taken> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.db.transaction((tx) => this.takeDue(tx, ids, now));
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isLostRace(err)) throw err;
      }
    }
  }

  private async takeDue(tx: EntityManager, ids: readonly number[], now: Date): Promise<Taken> {
    const { ladderDays, channels, outbox } = this.deps;
    const candidates = await loadCandidates(tx, ids);
    const planned = planSteps(candidates, now, ladderDays);
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
}
