import type { Callout, CalloutRecipient } from "../../db/entities";

/**
 * A recipient's timeline as arithmetic: sent at S, reminded at S+N·k (k = 1..K), escalated at
 * S+N·(K+1) — all capped at the campaign's deadline, where whoever is still silent is escalated
 * and the campaign closes. People called in at or after the deadline are not chased further.
 */

export type Action = "send" | "remind" | "escalate" | "none";

const MINUTE = 60_000;

/** When the tick next has work for a row sent at `sentAt` after `remindersSent` reminders. */
export function nextActionAt(c: Callout, sentAt: Date, remindersSent: number): Date | null {
  const deadline = (c.deadlineAt as Date).getTime();
  if (sentAt.getTime() >= deadline) return null;
  const step = Math.min(remindersSent, c.maxReminders) + 1;
  return new Date(Math.min(sentAt.getTime() + c.remindEveryMinutes * MINUTE * step, deadline));
}

/** What a due row needs now. */
export function actionFor(c: Callout, row: CalloutRecipient, now: Date): Action {
  if (row.state === "pending") return "send";
  if (row.state === "unreachable") return "escalate";
  if (row.state !== "sent" || row.sentAt === null) return "none";
  const deadline = (c.deadlineAt as Date).getTime();
  if (row.sentAt.getTime() >= deadline) return "none";
  if (now.getTime() >= deadline || row.remindersSent >= c.maxReminders) return "escalate";
  return "remind";
}
