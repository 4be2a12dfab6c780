import type { AuditEntry, Tip, TipPhoto } from "../../db/entities";
import {
  actorPersonId,
  isTipOverdue,
  rewardStateLabels,
  type RevealedReporter,
  type TipAction,
  tipActionLabels,
  tipChannelLabels,
  type TipDetail,
  type TipNames,
  type TipPage,
  tipResultLabels,
  tipSourceLabels,
  tipStateLabels,
} from "../../domain/tips";

const ref = (id: number | null, names: Map<number, string>) => (id === null ? null : { id, name: names.get(id) ?? null });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A tip as the API shows it: the tipster only by pseudonym, codes for programs, labels for people. */
export function presentTip(t: Tip, names: TipNames, now: Date) {
  return {
    id: t.id,
    number: t.number,
    source: { code: t.source, label: tipSourceLabels[t.source] },
    channel: { code: t.channel, label: tipChannelLabels[t.channel] },
    state: { code: t.state, label: tipStateLabels[t.state] },
    content: t.content,
    enterprise: ref(t.enterpriseId, names.enterprises),
    location: { text: t.locationText, latitude: t.latitude, longitude: t.longitude },
    reporter: { pseudonym: t.pseudonym, anonymous: t.reporterSealed === null },
    handler: ref(t.handlerId, names.people),
    dueAt: iso(t.dueAt),
    overdue: isTipOverdue(t, now),
    result: t.result && { code: t.result, label: tipResultLabels[t.result] },
    resolution: t.resolution,
    reward: t.rewardState && { state: { code: t.rewardState, label: rewardStateLabels[t.rewardState] }, amount: t.rewardAmount, paidAt: iso(t.rewardPaidAt) },
    reportedAt: iso(t.reportedAt),
    acceptedAt: iso(t.acceptedAt),
    closedAt: iso(t.closedAt),
    updatedAt: iso(t.updatedAt),
    version: t.version,
  };
}

export function presentTipPage(page: TipPage) {
  return { data: page.items.map((t) => presentTip(t, page.names, page.now)), paging: { page: page.page, pageSize: page.pageSize, total: page.total } };
}

/** The detail: the tip, its photos, its timeline, and (tip officers only) who revealed the tipster. */
export function presentTipDetail(d: TipDetail) {
  return {
    ...presentTip(d.tip, d.names, d.now),
    photos: d.photos.map((p: TipPhoto) => ({ id: p.id, storageKey: p.storageKey, at: iso(p.at) })),
    timeline: d.timeline.map((line) => ({
      at: iso(line.at),
      // The tipster's own line names them by pseudonym only.
      actor: actorOf(line, d.names) ?? { id: null, name: d.tip.pseudonym },
      action: line.action,
      actionLabel: tipActionLabels[line.action.replace(/^tip\./, "") as TipAction | "report"] ?? line.action,
      changes: line.after ? { before: parse(line.before), after: parse(line.after) } : null,
    })),
    ...(d.reveals ? { reveals: d.reveals.map((line) => ({ at: iso(line.at), by: actorOf(line, d.names), refused: line.action !== "tip.reveal", reason: (parse(line.after) as { reason?: string | null }).reason ?? null })) } : {}),
  };
}

/** What a reveal answers: the tip and who tipped. */
export function presentReveal(r: RevealedReporter) {
  const { identity } = r;
  return {
    tip: { id: r.tip.id, number: r.tip.number, pseudonym: r.tip.pseudonym },
    reporter: { personId: identity.personId, name: identity.name, mobile: identity.mobile, unit: identity.unit, accounts: identity.accounts },
  };
}

function actorOf(line: AuditEntry, names: TipNames) {
  const id = actorPersonId(line.actor);
  return id === null ? null : ref(id, names.people);
}

const parse = (json: string | null): object => (json ? (JSON.parse(json) as object) : {});
