import type { EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { OutboxMessage } from "../../db/entities";
import { cancelSource, type CancelOptions } from "./cancel";
import { enqueueMessage, type EnqueueRequest, type EnqueueResult, findByKey } from "./enqueue";
import { parseQuietHours, type QuietHours } from "./quietHours";
import { deliveriesOfMessage, deliveriesOfSource, type DeliveryView, type SourceFilter } from "./queries";

export interface OutboxServiceDeps {
  db: Database;
  clock: Clock;
  /** config.outbox.quietHours, e.g. `21:00-08:00` (Asia/Shanghai). */
  quietHours: string;
}

/**
 * The outbox as features use it: put a message in (inside your own transaction) and later ask
 * how its deliveries fared. Sending is the worker's business (src/outbox/worker.ts).
 */
export class OutboxService {
  private readonly quiet: QuietHours;

  constructor(private readonly deps: OutboxServiceDeps) {
    this.quiet = parseQuietHours(deps.quietHours);
  }

  /** Writes the message and its deliveries in `tx`; the same idempotency key again returns the first message. */
  enqueue(tx: EntityManager, request: EnqueueRequest): Promise<EnqueueResult> {
    return enqueueMessage(tx, request, this.deps.clock.now(), this.quiet);
  }

  /** The message stored under an idempotency key, if any. */
  messageByKey(idempotencyKey: string, tx: EntityManager = this.deps.db.manager): Promise<OutboxMessage | null> {
    return findByKey(tx, idempotencyKey, false);
  }

  /** Per-recipient status of one message. */
  deliveriesOfMessage(messageId: number, tx: EntityManager = this.deps.db.manager): Promise<DeliveryView[]> {
    return deliveriesOfMessage(tx, messageId);
  }

  /** Per-recipient status of every message one source caused (e.g. `callout:7`), optionally only some statuses. */
  deliveriesOfSource(source: string, tx: EntityManager = this.deps.db.manager, filter?: SourceFilter): Promise<DeliveryView[]> {
    return deliveriesOfSource(tx, source, filter);
  }

  /**
   * Withdraws a source's still-pending deliveries in `tx` (they become `cancelled` and are never
   * sent), except the messages named in `exceptKeys`; returns how many were withdrawn.
   */
  cancelSource(tx: EntityManager, source: string, options?: CancelOptions): Promise<number> {
    return cancelSource(tx, source, this.deps.clock.now(), options);
  }
}
