import type { Callout } from "../../db/entities";
import { CHANNEL_NAMES } from "../../channels/channel";
import { type Board, type BoardRow, type CalloutListRow, type CardDelivery, type CalloutState, LEVELS, type PreviewRow, type RecipientState, WARNING_TYPES } from "../../domain/callouts";
import { defineVocabulary } from "../../domain/kernel/vocabulary";
import { roles } from "../../domain/org/vocabulary";
import type { WarningDraft } from "../../domain/warnings";

// The 叫应 vocabularies as the API presents them. Warning types and levels are the domain's own
// lists; the campaign and recipient state labels have no home in src/domain/callouts yet (it
// belongs to the escalation work), so they are defined here until they move there.
export const warningTypes = defineVocabulary(WARNING_TYPES);
export const warningLevels = defineVocabulary(LEVELS);
export const calloutStates = defineVocabulary({ draft: "草稿", sent: "进行中", closed: "已截止", cancelled: "已取消" } satisfies Record<CalloutState, string>);
export const recipientStates = defineVocabulary({
  draft: "草稿",
  pending: "待发送",
  sent: "已发送",
  acknowledged: "已收到",
  reported: "已报告落实情况",
  escalated: "已升级",
  unreachable: "无法送达",
} satisfies Record<RecipientState, string>);

/** A role code as `{code, label}`; a code the vocabulary no longer knows keeps itself as the label. */
const presentRole = (code: string) => (roles.isCode(code) ? roles.present(code) : { code, label: code });

/** A campaign's vocabulary values, as every answer about it shows them: type, level and state as `{code, label}`. */
export function presentCalloutTerms(c: Pick<Callout, "warningType" | "level" | "state">) {
  return { warningType: warningTypes.present(c.warningType), level: warningLevels.present(c.level), state: calloutStates.present(c.state) };
}

/** A campaign in the list, with how many of those called have answered. */
export function presentCalloutRow(r: CalloutListRow) {
  const c = r.callout;
  return {
    id: c.id,
    title: c.title,
    ...presentCalloutTerms(c),
    initiator: { id: c.initiatorId, name: r.initiator },
    createdAt: c.createdAt,
    sentAt: c.sentAt,
    deadlineAt: c.deadlineAt,
    counts: { total: r.total, answered: r.answered },
    answerRate: r.total ? r.answered / r.total : null,
  };
}

/** Someone on a draft's list. */
export function presentPreviewRow(r: PreviewRow) {
  return { ...r, roles: r.roles.map(presentRole) };
}

export const cardDeliveryStates = defineVocabulary({ delivered: "已送达", pending: "待送达", failed: "送达失败" } satisfies Record<CardDelivery, string>);
const answeredOn = defineVocabulary(CHANNEL_NAMES);

function presentBoardRow(r: BoardRow) {
  return {
    ...r,
    state: recipientStates.present(r.state),
    ackChannel: r.ackChannel === null ? null : answeredOn.isCode(r.ackChannel) ? answeredOn.present(r.ackChannel) : { code: r.ackChannel, label: r.ackChannel },
    delivery: cardDeliveryStates.presentOrNull(r.delivery),
  };
}

/** The board: the campaign, its counts and everyone on it. */
export function presentBoard(b: Board) {
  const c = b.callout;
  return {
    id: c.id,
    title: c.title,
    ...presentCalloutTerms(c),
    requiresReport: c.requiresReport,
    sentAt: c.sentAt,
    deadlineAt: c.deadlineAt,
    closedAt: c.closedAt,
    counts: b.counts,
    people: b.people.map(presentBoardRow),
  };
}

/** A draft made from a weather warning, as the initiator checks it before sending. */
export function presentWarningDraft(d: WarningDraft) {
  return {
    ...d,
    warningType: warningTypes.present(d.warningType),
    level: warningLevels.present(d.level),
    byRole: d.byRole.map((r) => ({ role: presentRole(r.role), count: r.count })),
  };
}
