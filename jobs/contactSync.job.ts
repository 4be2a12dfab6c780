import type { ContactSyncResult } from "../src/domain/org/contactSync";
import type { Job } from "./Job";

/** One messenger's address book to copy: the channel it belongs to and the full sync of it. */
export interface AddressBookSync {
  channel: string;
  syncAll(): Promise<ContactSyncResult>;
}

/**
 * Reads every enabled messenger's address book (WeChat Work, DingTalk) into units and people every
 * night, catching what contact events missed (a lost callback, a change made while the app was
 * down). Each book syncs on its own: one platform failing still lets the other sync, and the run
 * then fails so the failure is seen. 02:17 Shanghai time: quiet hours, and off the :00/:30 marks
 * every other job picks.
 */
export const contactSync = (books: readonly AddressBookSync[]): Job => ({
  name: "contactSync",
  cron: "17 2 * * *",
  lockTtlMs: 30 * 60_000,
  async run() {
    if (books.length === 0) return { skipped: "no_address_book" };
    const report: Record<string, unknown> = {};
    let failure: unknown;
    for (const book of books) {
      try {
        const { units, people, problems } = await book.syncAll();
        // Counts only: the problems name members, which belong in the CLI's output, not in logs.
        report[book.channel] = { units, people, problems: problems.length };
      } catch (err) {
        failure ??= err;
        report[book.channel] = { failed: (err as { code?: unknown }).code ?? "error" };
      }
    }
    if (failure) throw failure;
    return report;
  },
});
