import { type EntityManager, In, IsNull, MoreThan, Not } from "typeorm";
import { type Callout, CalloutRecipient, Person } from "../../db/entities";
import { appendAudit } from "../audit/auditLog";
import { resolveRecipients } from "../outbox";
import { cancelText, liftedText } from "./messages";
import { endCalloutRun } from "./run";
import type { StepDeps } from "./steps";
import { sourceOf } from "./vocabulary";

/** Why a campaign ends before its deadline. */
export type WithdrawReason = "initiator" | "warning_lifted" | "warning_replaced";

const BATCH = 1000;

/**
 * Ends a draft or sent campaign (`c`, locked by the caller) in the caller's transaction: everyone
 * already called is told why, in messages of ≤ 1,000 people, and whatever of the campaign is still
 * queued — cards held back by rate limits, reminders, escalations — is withdrawn with the state
 * change, so nothing follows the notice.
 */
export async function withdraw(tx: EntityManager, deps: StepDeps, c: Callout, actor: string, reason: WithdrawReason, now: Date): Promise<void> {
  const notices: string[] = [];
  const message = reason === "initiator" ? cancelText(c) : liftedText(c);
  // Batches by row id, each with its own read of the contacts: no IN list of the whole campaign.
  let after = 0;
  for (;;) {
    const called = await tx.find(CalloutRecipient, { where: { calloutId: c.id, sentAt: Not(IsNull()), id: MoreThan(after) }, select: { id: true, personId: true }, order: { id: "ASC" }, take: BATCH });
    if (called.length === 0) break;
    after = (called[called.length - 1] as CalloutRecipient).id;
    const people = await tx.find(Person, { where: { id: In(called.map((r) => r.personId)) }, select: { id: true, active: true, preferredChannel: true }, order: { id: "ASC" } });
    // The key names the batch's position, as cancellations always have (`…:cancel:0`, `…:cancel:1000`).
    const key = `callout:${c.id}:cancel:${notices.length * BATCH}`;
    notices.push(key);
    await deps.outbox.enqueue(tx, { idempotencyKey: key, lane: "callout", message, recipients: await resolveRecipients(tx, people, deps.channels), source: sourceOf(c.id) });
  }
  await deps.outbox.cancelSource(tx, sourceOf(c.id), { exceptKeys: notices });
  await tx.update(CalloutRecipient, { calloutId: c.id }, { nextActionAt: null });
  const before = c.state;
  c.state = "cancelled";
  c.closedAt = now;
  await tx.save(c);
  await endCalloutRun(tx, c.id, "cancelled", now);
  await appendAudit(tx, { at: now, actor, action: "callout.cancel", entityType: "callout", entityId: c.id, before: { state: before }, after: { state: "cancelled", reason } });
}
