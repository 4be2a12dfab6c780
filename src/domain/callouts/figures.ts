import type { EntityManager } from "typeorm";
import { type Callout, CalloutRecipient, EscalationStep } from "../../db/entities";
import { type CardDelivery, cardDeliveries } from "./delivery";
import type { RecipientState } from "./vocabulary";

/** One person on the board, exact. */
export interface BoardRow {
  recipientId: number;
  personId: number;
  name: string;
  state: RecipientState;
  escalatedFromPersonId: number | null;
  sentAt: Date | null;
  acknowledgedAt: Date | null;
  ackChannel: string | null;
  late: boolean;
  reportText: string | null;
  remindersSent: number;
  /** Whom this person's silence was escalated to. */
  escalatedToPersonId: number | null;
  /** Where their card stands at the platform; null before it is enqueued. */
  delivery: CardDelivery | null;
}

export interface BoardCounts {
  total: number;
  answered: number;
  notYet: number;
  escalated: number;
  unreachable: number;
  reported: number;
  late: number;
  /** Cards the platform accepted — "sent" on the board means this, not "queued". */
  delivered: number;
  /** Cards queued or being retried (e.g. the platform answering 502). */
  deliveryPending: number;
  /** Cards refused, given up at the deadline, or never sendable (no account). */
  deliveryFailed: number;
}

/** The deadline report's figures. */
export interface CalloutFigures {
  /** Rows called before the deadline (superiors called in at the deadline are not counted). */
  called: number;
  answeredInTime: number;
  reported: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** Who did not answer in time and what was done about it, in words. */
  silent: { personId: number; name: string; done: string }[];
}

/** Every recipient of a campaign with names and escalation targets, ordered by row id. */
export async function loadBoard(tx: EntityManager, calloutId: number): Promise<BoardRow[]> {
  // Names by join rather than an IN list of every person: one statement whatever the campaign's size.
  const rows = await tx
    .createQueryBuilder(CalloutRecipient, "r")
    .leftJoin("r.person", "p")
    .addSelect(["p.id", "p.name"])
    .where("r.callout_id = :calloutId", { calloutId })
    .orderBy("r.id", "ASC")
    .getMany();
  const names = new Map(rows.map((r) => [r.personId, r.person?.name ?? String(r.personId)]));
  const escalations = await tx.find(EscalationStep, { where: { caseKind: "callout", caseId: calloutId, step: "escalate" }, select: { recipientId: true, targetPersonId: true } });
  const target = new Map(escalations.map((s) => [s.recipientId, s.targetPersonId]));
  const personOfRow = new Map(rows.map((r) => [r.id, r.personId]));
  const cards = await cardDeliveries(tx, calloutId);
  return rows.map((r) => ({
    recipientId: r.id,
    personId: r.personId,
    name: names.get(r.personId) ?? String(r.personId),
    state: r.state,
    escalatedFromPersonId: r.escalatedFrom === null ? null : (personOfRow.get(r.escalatedFrom) ?? null),
    sentAt: r.sentAt,
    acknowledgedAt: r.acknowledgedAt,
    ackChannel: r.ackChannel,
    late: r.late,
    reportText: r.reportText,
    remindersSent: r.remindersSent,
    escalatedToPersonId: target.get(r.id) ?? null,
    // A person without any account has no card row to read: their card failed all the same.
    delivery: cards.get(r.personId) ?? (r.state === "unreachable" ? "failed" : null),
  }));
}

export function countBoard(rows: readonly BoardRow[]): BoardCounts {
  const answered = rows.filter((r) => r.state === "acknowledged" || r.state === "reported").length;
  return {
    total: rows.length,
    answered,
    notYet: rows.filter((r) => r.state === "pending" || r.state === "sent").length,
    escalated: rows.filter((r) => r.state === "escalated").length,
    unreachable: rows.filter((r) => r.state === "unreachable").length,
    reported: rows.filter((r) => r.state === "reported").length,
    late: rows.filter((r) => r.late).length,
    delivered: rows.filter((r) => r.delivery === "delivered").length,
    deliveryPending: rows.filter((r) => r.delivery === "pending").length,
    deliveryFailed: rows.filter((r) => r.delivery === "failed").length,
  };
}

/** 叫应率, median and P90 time to answer, and the silent with what was done. */
export function computeFigures(callout: Callout, rows: readonly BoardRow[]): CalloutFigures {
  const deadline = callout.deadlineAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const called = rows.filter((r) => r.sentAt !== null && r.sentAt.getTime() < deadline);
  const inTime = called.filter((r) => r.acknowledgedAt !== null && !r.late);
  const times = inTime.map((r) => (r.acknowledgedAt as Date).getTime() - (r.sentAt as Date).getTime()).sort((a, b) => a - b);
  const names = new Map(rows.map((r) => [r.personId, r.name]));
  const silent = called
    .filter((r) => r.acknowledgedAt === null || r.late)
    .map((r) => ({ personId: r.personId, name: r.name, done: whatWasDone(r, names) }));
  return {
    called: called.length,
    answeredInTime: inTime.length,
    reported: rows.filter((r) => r.state === "reported").length,
    medianMs: percentile(times, 0.5),
    p90Ms: percentile(times, 0.9),
    silent,
  };
}

function whatWasDone(r: BoardRow, names: Map<number, string>): string {
  const parts: string[] = [];
  if (r.state === "unreachable") parts.push("无法送达");
  if (r.remindersSent > 0) parts.push(`已提醒 ${r.remindersSent} 次`);
  if (r.state === "escalated" || r.escalatedToPersonId !== null) {
    parts.push(r.escalatedToPersonId === null ? "无上级可升级" : `已升级至 ${names.get(r.escalatedToPersonId) ?? "上级"}`);
  }
  if (r.late) parts.push("超时后回应");
  return parts.length ? parts.join("，") : "未采取措施";
}

/** Nearest-rank percentile (the value at rank ⌈p·n⌉); null for no data. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
}
