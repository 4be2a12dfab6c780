import { Between, IsNull, Not } from "typeorm";
import type { ChannelId, DeliveryReports } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OutboxDelivery } from "../../db/entities";
import type { KeyValue } from "../../kv";

export interface ReconcileDeps {
  db: Database;
  kv: KeyValue;
  clock: Clock;
  /** By channel: those whose platform reports undelivered sends (DingTalk's work notifications). */
  reports: ReadonlyMap<ChannelId, DeliveryReports>;
}

/** Platforms keep send results for 24 h (PROTOCOLS §3.6); ask well inside that. */
const LOOK_BACK_MS = 23 * 3_600_000;
/** Give the platform this long to finish an asynchronous send before asking. */
const SETTLE_MS = 2 * 60_000;
/** Platform messages asked about per run, so one run stays short; the next run takes the rest. */
const PER_RUN = 50;

/**
 * Confirms sends a platform accepted but may not have delivered: every `sent` delivery of a
 * covered platform message is asked about once, a couple of minutes after it went out, and the
 * recipients the platform names as not reached become `failed` with its reason — so the 叫应 board
 * and the ledgers say 无法送达 instead of trusting a success the platform did not mean. The ones
 * asked about are remembered in the kv, shared by the fleet.
 */
export async function reconcileDeliveries(deps: ReconcileDeps): Promise<{ checked: number; failed: number }> {
  const now = deps.clock.now();
  let checked = 0;
  let failed = 0;
  for (const [channel, reports] of deps.reports) {
    const rows = await deps.db.manager.find(OutboxDelivery, {
      select: { id: true, recipient: true, platformMsgId: true },
      where: { channel, status: "sent", platformMsgId: Not(IsNull()), sentAt: Between(new Date(now.getTime() - LOOK_BACK_MS), new Date(now.getTime() - SETTLE_MS)) },
      order: { id: "ASC" },
    });
    const byMessage = new Map<string, OutboxDelivery[]>();
    for (const row of rows) {
      const id = row.platformMsgId as string;
      if (reports.covers(id)) byMessage.set(id, [...(byMessage.get(id) ?? []), row]);
    }
    for (const [platformId, group] of byMessage) {
      if (checked >= PER_RUN) break;
      const doneKey = `outbox:reconciled:${channel}:${platformId}`;
      if (await deps.kv.get(doneKey)) continue;
      const undelivered = await reports.undelivered(platformId);
      checked += 1;
      if (undelivered === null) continue;
      const byUser = new Map(undelivered.map((u) => [u.userId.toLowerCase(), u]));
      for (const row of group) {
        const miss = byUser.get(row.recipient.toLowerCase());
        if (!miss) continue;
        const changed = await deps.db.manager.update(
          OutboxDelivery,
          { id: row.id, status: "sent" },
          { status: "failed", errorCode: miss.code.slice(0, 32), lastError: miss.reason.slice(0, 500), updatedAt: now },
        );
        failed += changed.affected ?? 0;
      }
      await deps.kv.set(doneKey, "1", LOOK_BACK_MS + SETTLE_MS);
    }
  }
  return { checked, failed };
}
