import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../../channels/channel";
import type { Clock } from "../../../clock";
import type { Database } from "../../../db/Database";
import { isDuplicateKeyError } from "../../../db/dialect";
import type { EnqueueRequest, EnqueueResult } from "../../outbox";
import { resolveRecipients } from "../../outbox";
import { loadAudience } from "./audience";
import type { LadderDays } from "./ladder";
import { renderNudge } from "./messages";
import { bundleSteps, planSteps } from "./plan";
import { loadCandidates } from "./queries";
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
}

const DEFAULT_BATCH = 500;
/** A lost race means another instance took the same steps; one fresh look finds what is left. */
const MAX_ATTEMPTS = 3;

/**
 * The overdue ladder: on every tick, takes the steps that are due and not yet recorded, in one
 * transaction with their ledger lines and the bundled outbox messages. Holds no state of its own,
 * so a restart, a missed tick or a second instance neither skips nor repeats a step.
 */
export class HazardNudges {
  constructor(private readonly deps: HazardNudgesDeps) {}

  /** Takes every step due at `now` (default: the clock's); safe to run concurrently on several instances. */
  async runDue(now: Date = this.deps.clock.now()): Promise<NudgeRunResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.db.transaction((tx) => this.takeDue(tx, now));
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !lostRace(err)) throw err;
      }
    }
  }

  private async takeDue(tx: EntityManager, now: Date): Promise<NudgeRunResult> {
    const { ladderDays, channels, outbox } = this.deps;
    const candidates = await loadCandidates(tx, now, ladderDays, this.deps.batch ?? DEFAULT_BATCH);
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
        recipients: resolveRecipients([person], channels),
        source: `hazard-nudge:${bundle.step}`,
      });
      if (result.created) messages += 1;
    }
    return { hazards: new Set(planned.map((p) => p.hazard.id)).size, steps: planned.length, messages };
  }
}

/** A duplicate step key or a deadlock: another transaction got there first. */
function lostRace(err: unknown): boolean {
  if (isDuplicateKeyError(err)) return true;
  const driver = (err as { driverError?: { code?: string; errno?: number } } | null)?.driverError;
  return driver?.code === "ER_LOCK_DEADLOCK" || driver?.errno === 1213;
}
