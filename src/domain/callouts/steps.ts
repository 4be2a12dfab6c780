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
 * Escalates silent rows to each person's superior, who joins the campaign (pending: the next pass
 * sends their card) unless already in it. Each superior gets ONE message naming everyone whose
 * silence called them in: WeChat Work allows 30 messages a minute per member, and a town head
 * with 40 silent villages must not lose the later ones to the limit. The step rows stay one per
 * recipient, so each escalation still happens exactly once.
 */
export async function escalateBatch(tx: EntityManager, deps: StepDeps, c: Callout, rows: readonly CalloutRecipient[], now: Date): Promise<void> {
  const people = new Map((await tx.find(Person, { where: { id: In(rows.map((r) => r.personId)) } })).map((p) => [p.id, p]));
  const superiorIds = [...new Set([...people.values()].map((p) => p.superiorId).filter((id): id is number => id !== null))];
  const superiors = new Map((superiorIds.length ? await tx.find(Person, { where: { id: In(superiorIds), active: true } }) : []).map((p) => [p.id, p]));
  const superiorOf = (r: CalloutRecipient): Person | null => superiors.get(people.get(r.personId)?.superiorId ?? -1) ?? null;
  const values = rows.map((r) => ({ calloutId: c.id, recipientId: r.id, step: "escalate", at: now, targetPersonId: superiorOf(r)?.id ?? null }));
  await tx.createQueryBuilder().insert().into(CalloutStep).values(values).updateEntity(false).execute();
  const silent = rows.filter((r) => r.state !== "unreachable").map((r) => r.id);
  const lost = rows.filter((r) => r.state === "unreachable").map((r) => r.id);
  if (silent.length) await tx.update(CalloutRecipient, { id: In(silent) }, { state: "escalated", nextActionAt: null });
  if (lost.length) await tx.update(CalloutRecipient, { id: In(lost) }, { nextActionAt: null });

  const groups = new Map<number, CalloutRecipient[]>();
  for (const r of rows) {
    const superior = superiorOf(r);
    if (!superior) continue;
    const group = groups.get(superior.id);
    if (group) group.push(r);
    else groups.set(superior.id, [r]);
  }
  if (groups.size === 0) return;
  const known = new Set((await tx.find(CalloutRecipient, { where: { calloutId: c.id, personId: In([...groups.keys()]) }, select: { id: true, personId: true } })).map((r) => r.personId));
  for (const [superiorId, group] of [...groups].sort((a, b) => a[0] - b[0])) {
    const first = group[0] as CalloutRecipient;
    if (!known.has(superiorId)) {
      await tx.insert(CalloutRecipient, { calloutId: c.id, personId: superiorId, state: "pending", escalatedFrom: first.id, awaitingReport: false, remindersSent: 0, late: false, nextActionAt: now });
    }
    await deps.outbox.enqueue(tx, {
      // The group's first row is escalated only once (its step key), so the key is new per bundle.
      idempotencyKey: `callout:${c.id}:escalate:${superiorId}:${first.id}`,
      lane: "callout",
      message: escalationText(c, group.map((r) => people.get(r.personId)?.name ?? `#${r.personId}`)),
      recipients: resolveRecipients([superiors.get(superiorId) as Person], deps.channels),
      source: sourceOf(c.id),
    });
  }
  deps.fault?.("escalate");
}
