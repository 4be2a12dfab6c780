import type { Job } from "./Job";

/**
 * Every five minutes, asks the platforms that deliver later (DingTalk's work notifications) who
 * did not get what they accepted, and marks those deliveries failed. `reconcile` is absent while
 * no such channel is enabled.
 */
export const deliveryReconcile = (reconcile: (() => Promise<{ checked: number; failed: number }>) | undefined): Job => ({
  name: "deliveryReconcile",
  cron: "*/5 * * * *",
  async run() {
    if (!reconcile) return { skipped: "no_channel_reports" };
    return reconcile();
  },
});
