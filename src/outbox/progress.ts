import type { SendResult } from "../channels/channel";
import type { Database } from "../db/Database";
import type { ClaimedRow } from "./claim";
import { recordSent } from "./record";
import { shortTransaction } from "./shortTx";

/** The rows of one send call, as far as the sender has reported them delivered. */
export interface CallProgress {
  /** Passed to the sender as `SendOptions.delivered`: records the rows it names as sent, at once. */
  delivered(recipients: string[], result: SendResult): Promise<void>;
  /** The rows not yet reported: what the call's final answer (or failure) is about. */
  rest(): ClaimedRow[];
}

/**
 * Per-recipient progress of a call a sender makes in several platform calls. Each part the platform
 * accepted is committed before the sender goes on, under the claim like every result (a worker that
 * lost its lease changes nothing), so a retry or a takeover after a crash sends only the rest.
 */
export function callProgress(ctx: { db: Database; at: () => Date }, token: string, rows: readonly ClaimedRow[], tally: { sent: number; invalid: number }): CallProgress {
  const done = new Set<number>();
  return {
    async delivered(recipients, result) {
      const named = new Set(recipients);
      const part = rows.filter((r) => named.has(r.recipient) && !done.has(r.id));
      if (part.length === 0) return;
      const outcome = await shortTransaction(ctx.db, (tx) => recordSent(tx, token, part, result, ctx.at()));
      for (const r of part) done.add(r.id);
      tally.sent += outcome.sent;
      tally.invalid += outcome.invalid;
    },
    rest: () => rows.filter((r) => !done.has(r.id)),
  };
}
