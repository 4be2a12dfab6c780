import type { AuditEntry, Tip, TipPhoto } from "../../db/entities";
import {
  actorPersonId,
  isTipOverdue,
  rewardStates,
  type RevealedReporter,
  tipChannels,
  type TipDetail,
  type TipNames,
  type TipPage,
  type PublicTipView,
  tipResults,
  tipSources,
  tipStates,
  tipTimelineActions,
} from "../../domain/tips";
import { iso, page, ref } from "./present";

/** A tip as the API shows it: the tipster only by pseudonym, codes for programs, labels for people. */
export function presentTip(t: Tip, names: TipNames, now: Date) {
  return {
    id: t.id,
    number: t.number,
    source: tipSources.present(t.source),
    channel: tipChannels.present(t.channel),
    state: tipStates.present(t.state),
    content: t.content,
    enterprise: ref(t.enterpriseId, names.enterprises),
    location: { text: t.locationText, latitude: t.latitude, longitude: t.longitude },
    reporter: { pseudonym: t.pseudonym, anonymous: t.reporterSealed === null },
    handler: ref(t.handlerId, names.people),
    dueAt: iso(t.dueAt),
    overdue: isTipOverdue(t, now),
    result: tipResults.presentOrNull(t.result),
    resolution: t.resolution,
    reward: t.rewardState && { state: rewardStates.present(t.rewardState), amount: t.rewardAmount, paidAt: iso(t.rewardPaidAt) },
    reportedAt: iso(t.reportedAt),
    acceptedAt: iso(t.acceptedAt),
    closedAt: iso(t.closedAt),
    updatedAt: iso(t.updatedAt),
    version: t.version,
  };
}

/** A page of the list. */
export function presentTipPage(p: TipPage) {
  return page(p, (t) => {
    const pub = p.publics.get(t.id);
    return { ...presentTip(t, p.names, p.now), public: pub ? presentPublic(pub, p.now) : null };
  });
}

/** The detail: the tip, its photos, its timeline, and (tip officers only) who revealed the tipster. */
export function presentTipDetail(d: TipDetail) {
  return {
    ...presentTip(d.tip, d.names, d.now),
    photos: d.photos.map((p: TipPhoto) => ({ id: p.id, storageKey: p.storageKey, at: iso(p.at), takenAt: d.photoLocations.get(p.storageKey) ?? null })),
    timeline: d.timeline.map((line) => ({
      at: iso(line.at),
      // The tipster's own line names them by pseudonym only.
      actor: actorOf(line, d.names) ?? { id: null, name: d.tip.pseudonym },
      action: line.action,
      actionLabel: timelineLabel(line.action),
      changes: line.after ? { before: parse(line.before), after: parse(line.after) } : null,
    })),
    public: d.public && presentPublic(d.public, d.now),
    ...(d.reveals ? { reveals: d.reveals.map((line) => ({ at: iso(line.at), by: actorOf(line, d.names), refused: line.action !== "tip.reveal", reason: (parse(line.after) as { reason?: string | null }).reason ?? null })) } : {}),
  };
}

/** A public tip's routed unit, its deadlines and the feedback the tipster reads. */
function presentPublic(pub: PublicTipView, now: Date) {
  return {
    unit: pub.unit,
    verificationDueAt: iso(pub.verificationDueAt),
    feedbackDueAt: iso(pub.feedbackDueAt),
    // Past the date by which the tipster must be told, and still nothing written.
    feedbackOverdue: pub.feedback === null && pub.feedbackDueAt !== null && pub.feedbackDueAt.getTime() < now.getTime(),
    feedback: pub.feedback,
    feedbackAt: iso(pub.feedbackAt),
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

/** `tip.accept` → 受理; an action the vocabulary does not know is shown as it is. */
function timelineLabel(action: string): string {
  const code = action.replace(/^tip\./, "");
  return tipTimelineActions.isCode(code) ? tipTimelineActions.labelOf(code) : action;
}

const parse = (json: string | null): object => (json ? (JSON.parse(json) as object) : {});
