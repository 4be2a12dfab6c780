import type { Hazard, HazardLedgerEntry, HazardPhoto } from "../../db/entities";
import {
  enforcementStages,
  hazardActionLabels,
  hazardLevels,
  hazardSources,
  hazardStates,
  isOverdue,
  type HazardAction,
  type HazardDetail,
  type HazardNames,
  type HazardPage,
} from "../../domain/hazards";
import { iso, page, ref } from "./present";

/** A hazard as the admin API shows it: codes for programs, Chinese labels for people. */
export function presentHazard(h: Hazard, names: HazardNames, now: Date) {
  return {
    id: h.id,
    number: h.number,
    source: hazardSources.present(h.source),
    state: hazardStates.present(h.state),
    level: hazardLevels.present(h.level),
    category: h.category,
    description: h.description,
    enterprise: ref(h.enterpriseId, names.enterprises),
    unit: ref(h.unitId, names.units),
    location: { text: h.locationText, latitude: h.latitude, longitude: h.longitude },
    reporter: ref(h.reporterId, names.people),
    owner: ref(h.ownerId, names.people),
    supervisor: ref(h.supervisorId, names.people),
    verifier: ref(h.verifierId, names.people),
    fivePoints: { owner: ref(h.ownerId, names.people), measures: h.measures, funds: h.funds, deadline: iso(h.deadline), contingencyPlan: h.contingencyPlan },
    listedForSupervision: h.listedForSupervision,
    leaderSignoff: h.leaderSignoffBy === null ? null : { by: ref(h.leaderSignoffBy, names.people), at: iso(h.leaderSignoffAt) },
    enforcementStage: enforcementStages.present(h.enforcementStage),
    overdue: isOverdue(h, now),
    reportedAt: iso(h.reportedAt),
    closedAt: iso(h.closedAt),
    updatedAt: iso(h.updatedAt),
    version: h.version,
  };
}

/** A page of the list. */
export function presentHazardPage(p: HazardPage) {
  return page(p, (h) => presentHazard(h, p.names, p.now));
}

/** The detail: the hazard, its ledger timeline (oldest first) and its photos by stage. */
export function presentHazardDetail(d: HazardDetail) {
  const photosOf = (stage: HazardPhoto["stage"]) => d.photos.filter((p) => p.stage === stage).map((p) => presentPhoto(p, d.names));
  return {
    ...presentHazard(d.hazard, d.names, d.now),
    timeline: d.ledger.map((e) => presentLedgerLine(e, d.names)),
    photos: { before: photosOf("before"), after: photosOf("after"), proof: photosOf("proof") },
  };
}

function presentLedgerLine(e: HazardLedgerEntry, names: HazardNames) {
  return {
    id: e.id,
    at: iso(e.at),
    actor: e.actorId === null ? { id: null, name: "系统" } : ref(e.actorId, names.people),
    action: e.action,
    actionLabel: actionLabel(e.action),
    fromState: hazardStates.presentOrNull(e.fromState),
    toState: hazardStates.presentOrNull(e.toState),
    reason: e.reason,
    changes: e.changes ? (JSON.parse(e.changes) as { before: object; after: object }) : null,
  };
}

function actionLabel(action: string): string {
  if (action === "report") return "上报";
  if (action === "photos") return "补充照片";
  if (action.startsWith("nudge:")) return "超期提醒";
  return hazardActionLabels[action as HazardAction] ?? action;
}

function presentPhoto(p: HazardPhoto, names: HazardNames) {
  return { id: p.id, storageKey: p.storageKey, url: `/api/hazards/${p.hazardId}/photos/${p.id}`, uploadedBy: ref(p.uploadedBy, names.people), at: iso(p.at) };
}
