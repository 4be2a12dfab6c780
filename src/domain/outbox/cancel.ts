import type { EntityManager } from "typeorm";
import { OutboxDelivery, OutboxMessage } from "../../db/entities";

export interface CancelOptions {
  /** Messages of the source that must still go out, e.g. the cancellation notice itself. */
  exceptKeys?: readonly string[];
}

const CHUNK = 500;

/**
 * Withdraws what a source still has waiting: its pending deliveries (held back by rate limits,
 * quiet hours or a reminder's `notBefore`) become `cancelled`, in the caller's transaction so
 * they are withdrawn exactly when the change that withdrew them commits. Rows already `sending`
 * are mid-call to the platform and are left to the worker: their outcome is unknown until it
 * records it. Returns how many deliveries were cancelled.
 */
export async function cancelSource(tx: EntityManager, source: string, now: Date, options: CancelOptions = {}): Promise<number> {
  if (!tx.queryRunner?.isTransactionActive) throw new Error("outbox: cancelSource must run inside the caller's transaction (db.transaction)");
  const except = new Set(options.exceptKeys ?? []);
  const messages = await tx.find(OutboxMessage, { where: { source }, select: { id: true, idempotencyKey: true } });
  const ids = messages.filter((m) => !except.has(m.idempotencyKey)).map((m) => m.id);
  let cancelled = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    // `status = 'pending'` in the statement itself: on MariaDB it is a locking read of the current
    // row, so a delivery the worker claimed a moment ago is not touched.
    const result = await tx
      .createQueryBuilder()
      .update(OutboxDelivery)
      .set({ status: "cancelled", errorCode: "cancelled", lastError: "来源已取消，消息不再发送", updatedAt: now })
      .where("message_id IN (:...ids) AND status = :pending", { ids: ids.slice(i, i + CHUNK), pending: "pending" })
      .execute();
    cancelled += result.affected ?? 0;
  }
  return cancelled;
}
