import { In, IsNull, LessThan, Not, type EntityManager } from "typeorm";
import type { Database } from "../../db/Database";
import { ConsoleMessage, InboundEventRow } from "../../db/entities";

/** What an inbound payload becomes once its retention period is over: still valid JSON, telling why. */
export const REDACTED_PAYLOAD = JSON.stringify({ redacted: "retention" });

/** What a console line's text becomes: a text line the page still shows, saying why. */
export const REDACTED_CONSOLE_BODY = JSON.stringify({ kind: "text", text: "（该消息已超过保留期限，内容已清除）" });

/** Rows changed per statement, so a first run over years of history never holds a long lock. */
const CHUNK = 500;

export interface PurgeResult {
  inboundPayloads: number;
  consoleMessages: number;
}

/**
 * Blanks what people wrote once it is older than `days` (RETENTION_DAYS): the raw payloads of
 * inbound events and the text of the local console's chat lines. What they produced stays — the
 * hazards, tips, check-ins and 叫应 answers, the audit log and the ledgers — and so do the rows
 * themselves (who, when, which kind), which the de-duplication and the console's ordering rely on.
 * Only events the inbox has finished with are touched: one still due keeps its payload for the redrive.
 */
export async function purgeExpired(db: Database, now: Date, days: number): Promise<PurgeResult> {
  const cutoff = new Date(now.getTime() - days * 24 * 60 * 60_000);
  const inboundPayloads = await inChunks(db, async (m) => {
    // Done, or failed for good (no next attempt): nothing will read the payload again.
    const finished = [{ status: "done" as const }, { status: "failed" as const, nextAttemptAt: IsNull() }];
    const rows = await m.find(InboundEventRow, {
      select: { id: true },
      where: finished.map((f) => ({ ...f, receivedAt: LessThan(cutoff), payload: Not(REDACTED_PAYLOAD) })),
      take: CHUNK,
    });
    if (rows.length === 0) return 0;
    await m.update(InboundEventRow, { id: In(rows.map((r) => r.id)) }, { payload: REDACTED_PAYLOAD });
    return rows.length;
  });
  const consoleMessages = await inChunks(db, async (m) => {
    const rows = await m.find(ConsoleMessage, {
      select: { id: true },
      // Update lines hold no text of anyone's, only what changed on an earlier line.
      where: { createdAt: LessThan(cutoff), kind: Not("update"), body: Not(REDACTED_CONSOLE_BODY) },
      take: CHUNK,
    });
    if (rows.length === 0) return 0;
    await m.update(ConsoleMessage, { id: In(rows.map((r) => r.id)) }, { kind: "text", body: REDACTED_CONSOLE_BODY });
    return rows.length;
  });
  return { inboundPayloads, consoleMessages };
}

async function inChunks(db: Database, step: (m: EntityManager) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = await db.write(step);
    total += changed;
    if (changed < CHUNK) return total;
  }
}
