import type { RedriveResult } from "../src/domain/inbox";
import type { Job } from "./Job";

/**
 * Every minute: re-dispatch inbound events a crash or a failure left unprocessed (PROTOCOLS.md
 * §2.3: the platform was already answered, so nobody else will retry them).
 */
export const inboxRedrive = (inbox: { redrivePending(now: Date): Promise<RedriveResult> }): Job => ({
  name: "inboxRedrive",
  cron: "* * * * *",
  run: ({ clock }) => inbox.redrivePending(clock.now()),
});
