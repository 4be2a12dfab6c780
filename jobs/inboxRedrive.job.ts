import type { AppJobContext, Job } from "./Job";

/**
 * Every minute: re-dispatch inbound events a crash or a failure left unprocessed (PROTOCOLS.md
 * §2.3: the platform was already answered, so nobody else will retry them).
 */
export const inboxRedrive: Job<AppJobContext> = {
  name: "inboxRedrive",
  cron: "* * * * *",
  run: ({ inbox, clock }) => inbox.redrivePending(clock.now()),
};
