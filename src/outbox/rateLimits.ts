import { type ChannelId, type ChannelLimits, isGroupRecipient } from "../channels/channel";
import { nextShanghaiMidnight } from "../domain/outbox/quietHours";
import type { KeyValue } from "../kv";

export type { ChannelLimits };

/** Limits by channel; each channel module declares its own (src/channels/registry.ts `channelLimits`). */
export type LimitTable = Partial<Record<ChannelId, ChannelLimits>>;

/** Recipients held back by a limit, and when that limit's window ends. */
export interface Deferral {
  until: Date;
  recipients: string[];
  limit: "api_per_minute" | "group_per_minute" | "recipient_per_minute" | "recipient_per_hour" | "app_per_day";
}

export interface Admission {
  allowed: string[];
  deferred: Deferral[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * A call is counted here when it is admitted and reaches the platform a moment later: the calls
 * in flight as a minute ends count in the platform's next minute. With four sends at once an
 * instance went 4 over WeChat Work's 10,000 a minute at the fake (bench/README.md § 对话回合);
 * 1 % of the budget is kept for them (100 of 10,000: 25 instances × 4 calls in flight).
 */
function withHeadroom(perMinute: number): number {
  return perMinute - Math.floor(perMinute / 100);
}

/**
 * Counts sends in the kv every instance shares, BEFORE sending: WeChat Work drops messages over a
 * member's limit without an error, so finding out afterwards means a lost 叫应. Windows are
 * fixed (the clock's minute, hour and Shanghai day) so a deferred recipient knows when to retry.
 * A count is taken even when the call later fails; erring towards waiting is the safe side.
 */
export class RateLimiter {
  constructor(
    private readonly kv: KeyValue,
    private readonly limits: LimitTable,
  ) {}

  async admit(channel: ChannelId, recipients: readonly string[], now: Date): Promise<Admission> {
    const limits = this.limits[channel];
    if (!limits || recipients.length === 0) return { allowed: [...recipients], deferred: [] };
    const t = now.getTime();
    const minute = Math.floor(t / MINUTE);
    const hour = Math.floor(t / HOUR);
    const nextMinute = new Date((minute + 1) * MINUTE);
    const deferred: Deferral[] = [];
    const hold = (list: string[], until: Date, limit: Deferral["limit"]) => {
      if (list.length) deferred.push({ until, recipients: list, limit });
    };

    if (limits.perApiPerMinute) {
      const calls = await this.kv.increment(`outbox:rl:${channel}:api:${minute}`, 2 * MINUTE);
      if (calls > withHeadroom(limits.perApiPerMinute)) return { allowed: [], deferred: [{ until: nextMinute, recipients: [...recipients], limit: "api_per_minute" }] };
    }
    let pass = [...recipients];
    const groups = limits.groupChatsPerMinute ? pass.filter(isGroupRecipient) : [];
    if (limits.groupChatsPerMinute && groups.length) {
      // One budget for every group chat of the channel: the platform counts the robot's messages, not each group's.
      const [, over] = await this.split(groups, () => `outbox:rl:${channel}:groups:${minute}`, 2 * MINUTE, limits.groupChatsPerMinute);
      hold(over, nextMinute, "group_per_minute");
      pass = pass.filter((r) => !over.includes(r));
    }
    if (limits.perRecipientPerMinute) {
      const [ok, over] = await this.split(pass, (r) => `outbox:rl:${channel}:m:${minute}:${r}`, 2 * MINUTE, limits.perRecipientPerMinute);
      hold(over, nextMinute, "recipient_per_minute");
      pass = ok;
    }
    if (limits.perRecipientPerHour && pass.length) {
      const [ok, over] = await this.split(pass, (r) => `outbox:rl:${channel}:h:${hour}:${r}`, HOUR + MINUTE, limits.perRecipientPerHour);
      hold(over, new Date((hour + 1) * HOUR), "recipient_per_hour");
      pass = ok;
    }
    if (limits.perAppPerDay && pass.length) {
      const day = nextShanghaiMidnight(now);
      const [ok, over] = await this.split(pass, () => `outbox:rl:${channel}:day:${day.getTime()}`, 25 * HOUR, limits.perAppPerDay);
      hold(over, day, "app_per_day");
      pass = ok;
    }
    return { allowed: pass, deferred };
  }

  /** One increment per recipient (issued together, so Redis pipelines them); over `max` waits. */
  private async split(recipients: string[], key: (r: string) => string, windowMs: number, max: number): Promise<[string[], string[]]> {
    // Account ids compare without regard to case (WeChat Work answers them lower-cased): count
    // `ZhangSan` and `zhangsan` as one person.
    const counts = await Promise.all(recipients.map((r) => this.kv.increment(key(r.toLowerCase()), windowMs)));
    const ok: string[] = [];
    const over: string[] = [];
    recipients.forEach((r, i) => (counts[i] <= max ? ok : over).push(r));
    return [ok, over];
  }
}
