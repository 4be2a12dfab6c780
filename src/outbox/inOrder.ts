import type { ClaimedGroup } from "./claim";

/**
 * Sends a claim's groups several at a time, as the platform allows many calls at once, while
 * everything a person sees keeps the order it was claimed in:
 *
 * - a lane waits for the lanes claimed before it (higher priority: 叫应 before replies before routine);
 * - within a lane, a group waits for the earlier groups that reach any of its recipients on the
 *   same channel, so two replies to one person never overtake each other;
 * - at most `limit` groups are being sent at any moment.
 *
 * One by one, an instance sent a group at a time: the HTTP call, the rate-limit increments and
 * the transaction that records the result, in series, capped replies at ≈ 100–150 a second.
 * `send` must not throw for a single group (the worker's own handler logs and keeps the rows).
 */
export async function sendInOrder<G extends ClaimedGroup>(groups: readonly G[], limit: number, send: (group: G) => Promise<void>): Promise<void> {
  for (const lane of byLane(groups)) await sendLane(lane, Math.max(1, limit), send);
}

/** Consecutive groups of the same priority: a claim lists them highest lane first. */
function byLane<G extends ClaimedGroup>(groups: readonly G[]): G[][] {
  const lanes: G[][] = [];
  for (const g of groups) {
    const current = lanes[lanes.length - 1];
    if (current && current[0].lane === g.lane) current.push(g);
    else lanes.push([g]);
  }
  return lanes;
}

async function sendLane<G extends ClaimedGroup>(groups: G[], limit: number, send: (group: G) => Promise<void>): Promise<void> {
  const slots = new Slots(limit);
  /** Per `channel|recipient`: when the latest group claimed for that person is finished. */
  const latest = new Map<string, Promise<void>>();
  const finished = groups.map((g) => {
    const keys = [...new Set(g.rows.map((r) => `${g.channel ?? ""}|${r.recipient.toLowerCase()}`))];
    const before = [...new Set(keys.map((k) => latest.get(k)).filter((p): p is Promise<void> => p !== undefined))];
    const done = Promise.all(before)
      .then(() => slots.take())
      .then(() => send(g).finally(() => slots.give()))
      .catch(() => undefined);
    for (const k of keys) latest.set(k, done);
    return done;
  });
  await Promise.all(finished);
}

/** A counting semaphore whose waiters are served in arrival order. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}
