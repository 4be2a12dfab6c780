import type { ContactSyncResult } from "../src/domain/org/contactSync";
import type { Job } from "./Job";

/**
 * Reads the WeChat Work address book into units and people every night, catching what
 * change_contact events missed (a lost callback, a change made while the app was down).
 * 02:17 Shanghai time: quiet hours, and off the :00/:30 marks every other job picks.
 * `contactSync` is absent while WeChat Work is not configured.
 */
export const wecomContactSync = (contactSync: { syncAll(): Promise<ContactSyncResult> } | undefined): Job => ({
  name: "wecomContactSync",
  cron: "17 2 * * *",
  lockTtlMs: 30 * 60_000,
  async run() {
    if (!contactSync) return { skipped: "wecom_disabled" };
    const { units, people, problems } = await contactSync.syncAll();
    // Counts only: the problems name members, which belong in the CLI's output, not in logs.
    return { units, people, problems: problems.length };
  },
});
