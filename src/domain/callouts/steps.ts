import { type EntityManager, In, IsNull } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { type Callout, CalloutRecipient, type Escalation, Person } from "../../db/entities";
import { chunks, claimSteps } from "../kernel/escalation";
import { type OutboxService, type PersonContact, resolveRecipients } from "../outbox";
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
 * Claims the steps on the engine: the unique (run, recipient, step) key fails here if another
 * tick or instance took any of them, and the whole transaction — messages included — rolls back.
 */
function claim(tx: EntityManager, run: Escalation, rows: readonly CalloutRecipient[], step: string, now: Date, targetOf: (r: CalloutRecipient) => number | null = () => null): Promise<void> {
  return claimSteps(tx, rows.map((r) => ({ escalationId: run.id, caseKind: "callout" as const, caseId: run.caseId, recipientId: r.id, step, targetPersonId: targetOf(r) })), now);
}

/**
 * The stale-run check of a set-based step: of the rows a pass read (without locks, so answers
 * are never held up), those `changed` still finds as the step left them. The step's update,
 * conditional on the row being silent, ran first and holds those rows until commit; a row
 * answered in between kept its answer, and is dropped from the step here — no reminder or
 * escalation for someone who has just answered.
 */
async function stillSilent(tx: EntityManager, rows: readonly CalloutRecipient[], changed: Record<string, unknown>): Promise<CalloutRecipient[]> {
  const kept = new Set<number>();
  for (const part of chunks(rows)) {
    const found = await tx.find(CalloutRecipient, { where: { id: In(part.map((r) => r.id)), acknowledgedAt: IsNull(), ...changed }, select: { id: true } });
    for (const r of found) kept.add(r.id);
  }
  return rows.filter((r) => kept.has(r.id));
}

/** Only what decides where a message goes, in the rows' order. */
async function contactsOf(tx: EntityManager, rows: readonly CalloutRecipient[]): Promise<PersonContact[]> {
  const found = new Map<number, PersonContact>();
  for (const part of chunks(rows)) {
    const people = await tx.find(Person, { where: { id: In(part.map((r) => r.personId)) }, select: { id: true, active: true, preferredChannel: true } });
    for (const p of people) found.set(p.id, p);
  }
  return rows.map((r) => found.get(r.personId)).filter((p): p is PersonContact => p !== undefined);
}

/** The same change to many rows, in statements of ≤ 500 ids (the engine's chunks); `still` narrows to rows still in a state. */
async function updateRows(tx: EntityManager, ids: readonly number[], still: Record<string, unknown>, change: Partial<CalloutRecipient>): Promise<void> {
  for (const part of chunks(ids)) await tx.update(CalloutRecipient, { id: In(part), ...still }, change);
}

/**
 * A card or reminder is retried until the campaign's deadline, however long the platform is
 * down, rather than for OUTBOX_MAX_ATTEMPTS: a card given up after 8 tries left people uncalled
 * while the board counted them as sent. Not delivered by then, the person is unreachable
 * (noteRefusals in tick.ts) and escalated. Cards sent at or after the deadline (superiors called
 * in then) keep the attempt count.
 */
function deliverBy(c: Callout, now: Date): { giveUpAt?: Date } {
  return c.deadlineAt && c.deadlineAt.getTime() > now.getTime() ? { giveUpAt: c.deadlineAt } : {};
}

/** Still silent: an answer that landed since the pass read the rows keeps its state. */
const SILENT = { state: "sent", acknowledgedAt: IsNull() };

/** Cards for one batch of ≤ 1000 pending rows: one outbox message with its own task id. */
export async function sendBatch(tx: EntityManager, deps: StepDeps, run: Escalation, c: Callout, rows: readonly CalloutRecipient[], now: Date): Promise<void> {
  await claim(tx, run, rows, "send", now);
  const recipients = await resolveRecipients(tx, await contactsOf(tx, rows), deps.channels);
  const first = rows[0] as CalloutRecipient;
  await deps.outbox.enqueue(tx, {
    idempotencyKey: `callout:${c.id}:send:${first.id}`,
    lane: "callout",
    message: calloutCard(c, taskIdOf(c.id, first.id)),
    recipients,
    source: sourceOf(c.id),
    ...deliverBy(c, now),
  });
  deps.fault?.("send");
  const unreachable = new Set(recipients.filter((r) => r.channel === null).map((r) => r.personId));
  const lost = rows.filter((r) => unreachable.has(r.personId)).map((r) => r.id);
  const reached = rows.filter((r) => !unreachable.has(r.personId)).map((r) => r.id);
  // People without an account are escalated at once: their row is due right away.
  await updateRows(tx, lost, { state: "pending" }, { state: "unreachable", sentAt: now, nextActionAt: now });
  await updateRows(tx, reached, { state: "pending" }, { state: "sent", sentAt: now, nextActionAt: nextActionAt(c, now, 0) });
}

/**
 * The k-th reminder to silent rows that all stand at k−1 reminders: the step rows, ONE message
 * for all of them (the outbox sends it in calls of 1,000), and one update per distinct send time
 * (a batch of cards shares one) — never a statement per person.
 */
export async function remindBatch(tx: EntityManager, deps: StepDeps, run: Escalation, c: Callout, read: readonly CalloutRecipient[], k: number, now: Date): Promise<void> {
  const bySentAt = new Map<number, number[]>();
  for (const r of read) {
    const t = (r.sentAt as Date).getTime();
    const ids = bySentAt.get(t);
    if (ids) ids.push(r.id);
    else bySentAt.set(t, [r.id]);
  }
  for (const [sentAt, ids] of bySentAt) await updateRows(tx, ids, { ...SILENT, remindersSent: k - 1 }, { remindersSent: k, nextActionAt: nextActionAt(c, new Date(sentAt), k) });
  const rows = await stillSilent(tx, read, { state: "sent", remindersSent: k });
  if (rows.length === 0) return;
  await claim(tx, run, rows, `remind:${k}`, now);
  await deps.outbox.enqueue(tx, {
    idempotencyKey: `callout:${c.id}:remind:${k}:${(rows[0] as CalloutRecipient).id}`,
    lane: "callout",
    message: reminderText(c, k),
    recipients: await resolveRecipients(tx, await contactsOf(tx, rows), deps.channels),
    source: sourceOf(c.id),
  });
  deps.fault?.("remind");
}

/**
 * Escalates silent rows to each person's superior, who joins the campaign (pending: the next pass
 * sends their card) unless already in it. Each superior gets ONE message naming everyone whose
 * silence called them in: WeChat Work allows 30 messages a minute per member, and a town head
 * with 400 silent village cadres must not get a message for each. The step rows stay one per
 * recipient, so each escalation still happens exactly once.
 */
export async function escalateBatch(tx: EntityManager, deps: StepDeps, run: Escalation, c: Callout, read: readonly CalloutRecipient[], now: Date): Promise<void> {
  await updateRows(tx, read.filter((r) => r.state !== "unreachable").map((r) => r.id), SILENT, { state: "escalated", nextActionAt: null });
  await updateRows(tx, read.filter((r) => r.state === "unreachable").map((r) => r.id), { state: "unreachable", acknowledgedAt: IsNull() }, { nextActionAt: null });
  // next_action_at tells the rows this step changed from one answered under it (which MySQL's
  // snapshot may still show as it was, due): only this step cleared it on an unreachable row.
  const rows = await stillSilent(tx, read, { state: In(["escalated", "unreachable"]), nextActionAt: IsNull() });
  if (rows.length === 0) return;
  const people = new Map<number, Pick<Person, "id" | "name" | "superiorId">>();
  for (const part of chunks(rows)) {
    for (const p of await tx.find(Person, { where: { id: In(part.map((r) => r.personId)) }, select: { id: true, name: true, superiorId: true } })) people.set(p.id, p);
  }
  const superiorIds = [...new Set([...people.values()].map((p) => p.superiorId).filter((id): id is number => id !== null))];
  const superiors = new Map((superiorIds.length ? await tx.find(Person, { where: { id: In(superiorIds), active: true } }) : []).map((p) => [p.id, p]));
  const superiorOf = (r: CalloutRecipient): Person | null => superiors.get(people.get(r.personId)?.superiorId ?? -1) ?? null;
  await claim(tx, run, rows, "escalate", now, (r) => superiorOf(r)?.id ?? null);

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
  const ordered = [...groups].sort((a, b) => a[0] - b[0]);
  const joining = ordered
    .filter(([superiorId]) => !known.has(superiorId))
    .map(([superiorId, group]) => ({ calloutId: c.id, personId: superiorId, state: "pending" as const, escalatedFrom: (group[0] as CalloutRecipient).id, awaitingReport: false, remindersSent: 0, late: false, nextActionAt: now }));
  for (const part of chunks(joining)) await tx.createQueryBuilder().insert().into(CalloutRecipient).values(part).updateEntity(false).execute();
  for (const [superiorId, group] of ordered) {
    const first = group[0] as CalloutRecipient;
    await deps.outbox.enqueue(tx, {
      // The group's first row is escalated only once (its step key), so the key is new per bundle.
      idempotencyKey: `callout:${c.id}:escalate:${superiorId}:${first.id}`,
      lane: "callout",
      message: escalationText(c, group.map((r) => people.get(r.personId)?.name ?? `#${r.personId}`)),
      recipients: await resolveRecipients(tx, [superiors.get(superiorId) as Person], deps.channels),
      source: sourceOf(c.id),
    });
  }
  deps.fault?.("escalate");
}
