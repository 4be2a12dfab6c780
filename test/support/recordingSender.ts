import { setTimeout as sleep } from "node:timers/promises";
import { type ChannelId, ChannelError, type ChannelSender, type OutboundMessage, type SendOptions, type SendResult } from "../../src/channels/channel";

/** One call the fake platform received. */
export interface RecordedCall {
  recipients: string[];
  message: OutboundMessage;
  resend: boolean;
  /** What the fake did: accepted (delivered), suppressed as a duplicate, or refused. */
  outcome: "accepted" | "duplicate" | "refused";
}

type Step =
  | { kind: "fail"; error: ChannelError }
  | { kind: "hang" }
  | { kind: "stall" }
  | { kind: "crash" };

/**
 * An in-memory ChannelSender that behaves like a platform: it records every call and every
 * delivered copy, can refuse the next calls (retryable or permanent), hang, or accept a call and
 * then throw as if the answer was lost. A resend of a request identical to one it already
 * accepted is suppressed, as WeChat Work's `enable_duplicate_check` does.
 */
export class RecordingSender implements ChannelSender {
  readonly calls: RecordedCall[] = [];
  /** Every copy a person actually received. */
  readonly delivered: { recipient: string; message: OutboundMessage }[] = [];
  /** Recipients the platform reports as unknown (`invaliduser`), lower-cased like WeChat Work. */
  readonly invalid = new Set<string>();
  private readonly plan: Step[] = [];
  private readonly accepted = new Map<string, SendResult>();
  private hung: (() => void)[] = [];
  private seq = 0;

  constructor(
    readonly id: ChannelId = "wecom",
    readonly maxRecipientsPerCall = 1000,
    /** Real milliseconds each call takes, so concurrent workers interleave. */
    private readonly delayMs = 0,
  ) {}

  /** The next `n` calls fail with this platform error (and deliver nothing). */
  failNext(n: number, retryable: boolean, code = retryable ? "-1" : "60011", retryAfterMs?: number): void {
    for (let i = 0; i < n; i++) this.plan.push({ kind: "fail", error: new ChannelError(this.id, code, retryable ? "系统繁忙" : "无权限", retryable, retryAfterMs) });
  }

  /** The next `n` calls are refused for a setting only an operator can fix (e.g. WeChat Work 60020, untrusted IP). */
  failConfigNext(n: number, code = "wecom_60020"): void {
    for (let i = 0; i < n; i++) this.plan.push({ kind: "fail", error: new ChannelError(this.id, code, "服务器 IP 不在应用的“企业可信IP”列表中", false, undefined, true) });
  }

  /** The next call is accepted, then hangs until `releaseHung()`: a process dying mid-send. */
  hangNext(): void {
    this.plan.push({ kind: "hang" });
  }

  /** The next call hangs before reaching the platform (nothing delivered), then fails when released. */
  stallNext(): void {
    this.plan.push({ kind: "stall" });
  }

  /** The next call is accepted, then throws: the answer was lost on the way back. */
  crashNext(): void {
    this.plan.push({ kind: "crash" });
  }

  releaseHung(): void {
    for (const release of this.hung.splice(0)) release();
  }

  /** How many copies `recipient` got. */
  copiesFor(recipient: string): number {
    return this.delivered.filter((d) => d.recipient === recipient).length;
  }

  async send(recipients: string[], message: OutboundMessage, options?: SendOptions): Promise<SendResult> {
    if (this.delayMs) await sleep(this.delayMs);
    const resend = options?.resend === true;
    const step = this.plan.shift();
    if (step?.kind === "fail") {
      this.calls.push({ recipients: [...recipients], message, resend, outcome: "refused" });
      throw step.error;
    }
    if (step?.kind === "stall") {
      this.calls.push({ recipients: [...recipients], message, resend, outcome: "refused" });
      await new Promise<void>((resolve) => this.hung.push(resolve));
      throw new Error("connection reset");
    }
    const key = JSON.stringify([recipients, message]);
    const earlier = resend ? this.accepted.get(key) : undefined;
    if (earlier) {
      this.calls.push({ recipients: [...recipients], message, resend, outcome: "duplicate" });
      return earlier;
    }
    this.calls.push({ recipients: [...recipients], message, resend, outcome: "accepted" });
    const invalidUsers = recipients.filter((r) => this.invalid.has(r.toLowerCase())).map((r) => r.toLowerCase());
    for (const r of recipients) if (!this.invalid.has(r.toLowerCase())) this.delivered.push({ recipient: r, message });
    this.seq += 1;
    const result: SendResult = { platformMessageId: `msg-${this.seq}`, responseCode: `rc-${this.seq}`, invalidUsers };
    this.accepted.set(key, result);
    if (step?.kind === "hang") await new Promise<void>((resolve) => this.hung.push(resolve));
    if (step?.kind === "crash") throw new Error("socket hang up");
    return result;
  }
}
