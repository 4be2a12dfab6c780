import pino from "pino";
import type { ChannelId, ChannelSender, OutboundMessage } from "../../src/channels/channel";
import { channelLimits } from "../../src/channels/registry";
import { ManualClock } from "../../src/clock";
import { type EnqueueRequest, type EnqueueResult, OutboxService, type Recipient } from "../../src/domain/outbox";
import type { Database } from "../../src/db/Database";
import type { KeyValue } from "../../src/kv";
import type { Logger } from "../../src/log";
import { OutboxWorker, type OutboxWorkerOptions } from "../../src/outbox/worker";
import { openTestStores, type TestStores } from "./backend";
import { RecordingSender } from "./recordingSender";

/** 10:00 on a Monday in Shanghai: working hours. */
export const WORKING_HOURS = "2026-01-05T02:00:00Z";

/** Everything an outbox integration test needs, on this project's backend. */
export interface OutboxHarness {
  stores: TestStores;
  clock: ManualClock;
  outbox: OutboxService;
  sender: RecordingSender;
  /** Every log line the workers wrote, parsed. */
  logs: Record<string, unknown>[];
  log: Logger;
  worker(options?: Partial<OutboxWorkerOptions>, more?: { senders?: Map<ChannelId, ChannelSender>; kv?: KeyValue; db?: Database }): OutboxWorker;
  /** Enqueues in a transaction of its own, as a feature would inside its change. */
  enqueue(request: Omit<EnqueueRequest, "recipients"> & { recipients: readonly Recipient[] | string[] }): Promise<EnqueueResult>;
  close(): Promise<void>;
}

export const text = (t: string): OutboundMessage => ({ kind: "text", text: t });

export async function openOutboxHarness(env: Record<string, string> = {}): Promise<OutboxHarness> {
  const stores = await openTestStores(env);
  const clock = new ManualClock(WORKING_HOURS);
  const outbox = new OutboxService({ db: stores.db, clock, quietHours: stores.config.outbox.quietHours });
  const sender = new RecordingSender();
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const workers: OutboxWorker[] = [];
  return {
    stores,
    clock,
    outbox,
    sender,
    logs,
    log,
    worker(options = {}, more = {}) {
      const senders = more.senders ?? new Map<ChannelId, ChannelSender>([["wecom", sender]]);
      // The channels' declared limits, as the composition root passes them (WeChat Work's published ones).
      const limits = channelLimits(stores.config);
      const w = new OutboxWorker({ db: more.db ?? stores.db, kv: more.kv ?? stores.kv, clock, log, senders, limits, config: stores.config, options: { random: () => 0.5, ...options } });
      workers.push(w);
      return w;
    },
    enqueue(request) {
      const recipients = request.recipients.map((r) => (typeof r === "string" ? { channel: "wecom" as const, userId: r } : r));
      return stores.db.transaction((tx) => outbox.enqueue(tx, { ...request, recipients }));
    },
    async close() {
      sender.releaseHung();
      await Promise.all(workers.map((w) => w.stop()));
      await stores.close();
    },
  };
}
