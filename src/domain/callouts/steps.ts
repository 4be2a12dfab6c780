import { type EntityManager, In } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { type Callout, CalloutRecipient, CalloutStep, Person } from "../../db/entities";
import { type OutboxService, resolveRecipients } from "../outbox";
import { calloutCard, escalationText, reminderText } from "./messages";
import { nextActionAt } from "./schedule";
import { sourceOf, taskIdOf } from "./vocabulary";

/** What the steps need; `fault` lets tests throw after the enqueue, before the commit. */
export interface StepDeps {
  outbox: OutboxService;
  channels: readonly ChannelId[];
  fault?: (step: string) => void;
}

/**
 * Claims the steps: the unique (callout, recipient, step) key fails here if another tick or
 * instance took any of them, and the whole transaction — messages included — rolls back.
 */
async function claim(tx: EntityManager, c: Callout, rows: readonly CalloutRecipient[], step: (r: CalloutRecipient) => string, now: Date, target: number | null = null): Promise<void> {
  const values = rows.map((r) => ({ calloutId: c.id, recipientId: r.id, step: step(r), at: now, targetPersonId: target }));
  await tx.createQueryBuilder().insert().into(CalloutStep).values(values).updateEntity(false).execute();
}

/** Cards for one batch of ≤ 1000 pending rows: one outbox message with its own task id. */
export async function sendBatch(tx: EntityManager, deps: StepDeps, c: Callout, rows: readonly CalloutRecipient[], now: Date): Promise<void> {
  await claim(tx, c, rows, () => "send", now);
  const people = await tx.find(Person, { where: { id: In(rows.map((r) => r.personId)) } });
  const byId = new Map(people.map((p) => [p.id, p]));
  const ordered = rows.map((r) => byId.get(r.personId)).filter((p): p is Person => p !== undefined);
  const recipients = resolveRecipients(ordered, deps.channels);
  const first = rows[0] as CalloutRecipient;
  await deps.outbox.enqueue(tx, {
    idempotencyKey: `callout:${c.id}:send:${first.id}`,
    lane: "callout",
    message: calloutCard(c, taskIdOf(c.id, first.id)),
    recipients,
    source: sourceOf(c.id),
  });
  deps.fault?.("send");
  const unreachable = new Set(recipients.filter((r) => r.channel === null).map((r) => r.personId));
  const lost = rows.filter((r) => unreachable.has(r.personId)).map((r) => r.id);
  const reached = rows.filter((r) => !unreachable.has(r.personId)).map((r) => r.id);
  // People without an account are escalated at once: their row is due right away.
  if (lost.length) await tx.update(CalloutRecipient, { id: In(lost) }, { state: "unreachable", sentAt: now, nextActionAt: now });
  if (reached.length) await tx.update(CalloutRecipient, { id: In(reached) }, { state: "sent", sentAt: now, nextActionAt: nextActionAt(c, now, 0) });
}

/** The k-th reminder to a batch of silent rows that all stand at k−1 reminders. */
export async function remindBatch(tx: EntityManager, deps: StepDeps, c: Callout, rows: readonly CalloutRecipient[], k: number, now: Date): Promise<void> {
  await claim(tx, c, rows, () => `remind:${k}`, now);
  const people = await tx.find(Person, { where: { id: In(rows.map((r) => r.personId)) } });
  await deps.outbox.enqueue(tx, {
    idempotencyKey: `callout:${c.id}:remind:${k}:${(rows[0] as CalloutRecipient).id}`,
    lane: "callout",
    message: reminderText(c, k),
    recipients: resolveRecipients(people, deps.channels),
    source: sourceOf(c.id),
  });
  deps.fault?.("remind");
  for (const r of rows) {
    await tx.update(CalloutRecipient, { id: r.id }, { remindersSent: k, nextActionAt: nextActionAt(c, r.sentAt as Date, k) });
  }
}

/**
 * Escalates one silent row to the person's superior, who joins the campaign (pending: the next
 * pass sends their card) unless already in it, and is told whose silence called them in.
 */
export async function escalate(tx: EntityManager, deps: StepDeps, c: Callout, row: CalloutRecipient, now: Date): Promise<void> {
  const person = await tx.findOneOrFail(Person, { where: { id: row.personId } });
  const superior = person.superiorId === null ? null : await tx.findOne(Person, { where: { id: person.superiorId, active: true } });
  await claim(tx, c, [row], () => "escalate", now, superior?.id ?? null);
  await tx.update(CalloutRecipient, { id: row.id }, { state: row.state === "unreachable" ? "unreachable" : "escalated", nextActionAt: null });
  if (!superior) return;
  const known = await tx.findOne(CalloutRecipient, { where: { calloutId: c.id, personId: superior.id } });
  if (!known) {
    await tx.insert(CalloutRecipient, {
      calloutId: c.id,
      personId: superior.id,
      state: "pending",
      escalatedFrom: row.id,
      awaitingReport: false,
      remindersSent: 0,
      late: false,
      nextActionAt: now,
    });
  }
  await deps.outbox.enqueue(tx, {
    idempotencyKey: `callout:${c.id}:escalate:${row.id}`,
    lane: "callout",
    message: escalationText(c, person.name),
    recipients: resolveRecipients([superior], deps.channels),
    source: sourceOf(c.id),
  });
  deps.fault?.("escalate");
}
