import { type EntityManager, In } from "typeorm";
import type { InboundEvent } from "../../channels/channel";
import { isMysqlFamily } from "../../db/dialect";
import { Callout, CalloutRecipient, Person } from "../../db/entities";
import { claimSteps, runOf } from "../kernel/escalation";
import { findByChannelAccount } from "../org/people";
import type { OutboxService } from "../outbox";
import { answerReplies } from "./messages";
import { CALLOUT_KIND } from "./run";
import { BUTTON_ACK, BUTTON_DONE, calloutIdOfTask, SILENT_STATES } from "./vocabulary";

type Intent = { kind: "ack"; content: string } | { kind: "done"; content: string; report: string | null } | { kind: "report"; text: string };

/** `收到` / `1` acknowledge; `已落实` / `2` (optionally followed by the report) start stage two. */
export function parseAnswer(text: string): Intent | null {
  const t = text.trim();
  if (/^(收到|1)[。.!！]?$/.test(t)) return { kind: "ack", content: t };
  const done = /^(已落实措施|已落实|2)(?:[\s:：,，]+(.+))?$/s.exec(t);
  if (done) return { kind: "done", content: t.slice(0, 255), report: done[2]?.trim() || null };
  return null;
}

/**
 * An inbound event as a callout answer: a click on a callout card, or a text from someone with
 * an open callout. Returns false when it is not one, so the bot handles it as usual.
 */
export async function takeAnswer(tx: EntityManager, outbox: OutboxService, event: InboundEvent): Promise<boolean> {
  if (event.kind !== "card_click" && event.kind !== "text") return false;
  const calloutId = event.kind === "card_click" ? calloutIdOfTask(event.taskId) : null;
  if (event.kind === "card_click" && calloutId === null) return false;
  const person = await findCaller(tx, event.channel, event.senderId);
  // Unknown account: not an answer we can record, so the bot answers the person (it says it
  // does not know them) rather than the click vanishing without a word.
  if (!person) return false;
  const reply = (text: string) =>
    outbox.enqueue(tx, {
      idempotencyKey: `reply:${event.channel}:${event.eventId}`,
      lane: "reply",
      message: { kind: "text", text },
      recipients: [{ channel: event.channel, userId: event.senderId, personId: person.id }],
      source: `person:${person.id}`,
    });
  if (event.kind === "card_click") {
    const row = await tx.findOne(CalloutRecipient, { where: { calloutId: calloutId as number, personId: person.id } });
    if (!row) return true;
    const c = await tx.findOneByOrFail(Callout, { id: row.calloutId });
    const intent: Intent = event.buttonKey === BUTTON_DONE ? { kind: "done", content: BUTTON_DONE, report: null } : { kind: "ack", content: BUTTON_ACK };
    // The callback's passive reply already changed the clicker's card; only stage two needs words.
    const said = await apply(tx, c, row, intent, `${event.channel}:card`, event.occurredAt);
    if (said === "askReport") await reply(answerReplies.askReport());
    return true;
  }
  return answerText(tx, person, event.text, `${event.channel}:text`, event.occurredAt, reply);
}

/**
 * The person behind the account (findByChannelAccount: by the unique index first on MySQL/MariaDB,
 * whose collation ignores case as WeChat Work does, then lower-cased).
 */
function findCaller(tx: EntityManager, channel: InboundEvent["channel"], account: string): Promise<Person | null> {
  return findByChannelAccount(tx, channel, account);
}

async function answerText(tx: EntityManager, person: Person, text: string, channel: string, at: Date, reply: (t: string) => Promise<unknown>): Promise<boolean> {
  const rows = await tx.find(CalloutRecipient, { where: { personId: person.id }, order: { id: "DESC" }, take: 20 });
  const callouts = rows.length ? await tx.find(Callout, { where: { id: In([...new Set(rows.map((r) => r.calloutId))]), state: In(["sent", "closed"]) } }) : [];
  const open = rows.filter((r) => callouts.some((c) => c.id === r.calloutId));
  const calloutOf = (r: CalloutRecipient) => callouts.find((c) => c.id === r.calloutId) as Callout;
  const waiting = open.find((r) => r.awaitingReport);
  const intent = parseAnswer(text) ?? (waiting ? { kind: "report" as const, text: text.trim() } : null);
  if (!intent) return false;
  const row =
    intent.kind === "report" ? waiting
    : intent.kind === "done" ? open.find((r) => calloutOf(r).requiresReport && r.state !== "reported")
    : (open.find((r) => SILENT_STATES.includes(r.state)) ?? open[0]);
  if (!row) return false;
  const said = await apply(tx, calloutOf(row), row, intent, channel, at);
  await reply(answerReplies[said]());
  return true;
}

type Said = "acknowledged" | "lateAck" | "already" | "askReport" | "reported";

/** Records the answer once: conditional updates make a duplicate click or text a no-op. */
async function apply(tx: EntityManager, c: Callout, row: CalloutRecipient, intent: Intent, channel: string, at: Date): Promise<Said> {
  const late = c.deadlineAt !== null && at.getTime() > c.deadlineAt.getTime();
  let first = false;
  if (intent.kind !== "report") {
    const content = intent.content.slice(0, 255);
    const res = await tx
      .createQueryBuilder()
      .update(CalloutRecipient)
      .set({ state: "acknowledged", acknowledgedAt: at, ackChannel: channel, ackContent: content, late, nextActionAt: null })
      .where("id = :id AND acknowledged_at IS NULL", { id: row.id })
      .execute();
    first = (res.affected ?? 0) > 0;
  }
  const reportText = intent.kind === "report" ? intent.text : intent.kind === "done" ? intent.report : null;
  if (intent.kind !== "ack" && c.requiresReport) {
    if (reportText) return (await recordReport(tx, c, row, reportText, at)) ? "reported" : "already";
    if (row.state === "reported") return "already";
    await tx.update(CalloutRecipient, { id: row.id }, { awaitingReport: true });
    return "askReport";
  }
  if (!first) return "already";
  return late ? "lateAck" : "acknowledged";
}

async function recordReport(tx: EntityManager, c: Callout, row: CalloutRecipient, text: string, at: Date): Promise<boolean> {
  const res = await tx
    .createQueryBuilder()
    .update(CalloutRecipient)
    .set({ state: "reported", reportedAt: at, reportText: text.slice(0, 500), awaitingReport: false, nextActionAt: null })
    .where("id = :id AND reported_at IS NULL", { id: row.id })
    .execute();
  if ((res.affected ?? 0) === 0) return false;
  const run = await runOf(tx, CALLOUT_KIND, c.id, c.sentAt as Date);
  if (run) await claimSteps(tx, [{ escalationId: run.id, caseKind: CALLOUT_KIND, caseId: c.id, recipientId: row.id, step: "report" }], at);
  return true;
}
