import type { Job } from "./Job";

/** Every 10 minutes: public tips' verification and feedback deadlines, reminded and escalated (the domain decides what is due). */
export const tipDeadlines = (deadlines: { runDue(now: Date): Promise<unknown> }): Job => ({
  name: "tipDeadlines",
  cron: "*/10 * * * *",
  run: ({ clock }) => deadlines.runDue(clock.now()),
});
