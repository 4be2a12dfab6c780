import { formatLocal } from "../clock";
import type { Board } from "../domain/callouts";
import { type CardDelivery, LEVELS, type RecipientState, WARNING_TYPES } from "../domain/callouts";

/**
 * What the live board shows, and nothing more: the campaign, the counts and each person's name
 * and state. No report texts, mobiles or ids — the page is opened by a link that may be forwarded.
 */
export interface BoardView {
  title: string;
  type: string;
  level: keyof typeof LEVELS;
  levelLabel: string;
  state: string;
  deadline: string | null;
  /**
   * `delivered`: cards the platform accepted; `deliveryPending`: still queued or being retried;
   * `deliveryFailed`: refused or not delivered by the deadline. "Not yet answered" alone hid
   * people who never got a card.
   */
  counts: { total: number; answered: number; notYet: number; escalated: number; unreachable: number; delivered: number; deliveryPending: number; deliveryFailed: number };
  /** 叫应率 so far: answered ÷ called, in percent with one decimal; null before sending. */
  rate: number | null;
  /** `delivery`: where the person's card stands (null before it is enqueued). */
  people: { name: string; group: BoardGroup; late: boolean; delivery: CardDelivery | null }[];
}

export type BoardGroup = "notYet" | "escalated" | "unreachable" | "answered";

const CAMPAIGN_STATES: Record<string, string> = { draft: "草稿（未发送）", sent: "进行中", closed: "已截止", cancelled: "已取消" };

const groupOf = (s: RecipientState): BoardGroup =>
  s === "acknowledged" || s === "reported" ? "answered" : s === "escalated" ? "escalated" : s === "unreachable" ? "unreachable" : "notYet";

export function boardView(b: Board): BoardView {
  const c = b.callout;
  const { total, answered, notYet, escalated, unreachable, delivered, deliveryPending, deliveryFailed } = b.counts;
  return {
    title: c.title,
    type: WARNING_TYPES[c.warningType],
    level: c.level,
    levelLabel: `${LEVELS[c.level]}预警`,
    state: CAMPAIGN_STATES[c.state] ?? c.state,
    deadline: c.deadlineAt ? formatLocal(c.deadlineAt) : null,
    counts: { total, answered, notYet, escalated, unreachable, delivered, deliveryPending, deliveryFailed },
    rate: c.state === "draft" || total === 0 ? null : Math.round((answered / total) * 1000) / 10,
    people: b.people.map((p) => ({ name: p.name, group: groupOf(p.state), late: p.late, delivery: p.delivery })),
  };
}
