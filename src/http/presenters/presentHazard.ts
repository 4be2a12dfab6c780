import type { Hazard, HazardLedgerEntry, HazardPhoto } from "../../db/entities";
import {
  enforcementStageLabels,
  hazardActionLabels,
  hazardLevelLabels,
  hazardSourceLabels,
  hazardStateLabels,
  isOverdue,
  type HazardAction,
  type HazardDetail,
  type HazardNames,
  type HazardPage,
} from "../../domain/hazards";

const ref = (id: number | null, names: Map<number, string>) => (id === null ? null : { id, name: names.get(id) ?? null });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A hazard as the admin API shows it: codes for programs, Chinese labels for people. */
export function presentHazard(h: Hazard, names: HazardNames, now: Date) {
  return {
    id: h.id,
    number: h.number,
    source: { code: h.source, label: hazardSourceLabels[h.source] },
    state: { code: h.state, label: hazardStateLabels[h.state] },
    level: { code: h.level, label: hazardLevelLabels[h.level] },
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
    enforcementStage: { code: h.enforcementStage, label: enforcementStageLabels[h.enforcementStage] },
    overdue: isOverdue(h, now),
    reportedAt: iso(h.reportedAt),
    closedAt: iso(h.closedAt),
    updatedAt: iso(h.updatedAt),
    version: h.version,
  };
}

/** A page of the list. */
export function presentHazardPage(page: HazardPage) {
  return { data: page.items.map((h) => presentHazard(h, page.names, page.now)), paging: { page: page.page, pageSize: page.pageSize, total: page.total } };
}

/** The detail: the hazard, its ledger timeline (oldest first) and its photos by stage. */
export function presentHazardDetail(d: HazardDetail) {
  return {
    ...presentHazard(d.hazard, d.names, d.now),
    timeline: d.ledger.map((e) => presentLedgerLine(e, d.names)),
    photos: {
      before: d.photos.filter((p) => p.stage === "before").map((p) => presentPhoto(p, d.names)),
      after: d.photos.filter((p) => p.stage === "after").map((p) => presentPhoto(p, d.names)),
      proof: d.photos.filter((p) => p.stage === "proof").map((p) => presentPhoto(p, d.names)),
    },
  };
}

function presentLedgerLine(e: HazardLedgerEntry, names: HazardNames) {
  return {
    id: e.id,
    at: iso(e.at),
    actor: e.actorId === null ? { id: null, name: "系统" } : ref(e.actorId, names.people),
    action: e.action,
    actionLabel: actionLabel(e.action),
    fromState: e.fromState && { code: e.fromState, label: hazardStateLabels[e.fromState] },
    toState: e.toState && { code: e.toState, label: hazardStateLabels[e.toState] },
    reason: e.reason,
    changes: e.changes ? (JSON.parse(e.changes) as { before: object; after: object }) : null,
  };
}

function actionLabel(action: string): string {
  if (action === "report") return "上报";
  if (action.startsWith("nudge:")) return "超期提醒";
  return hazardActionLabels[action as HazardAction] ?? action;
}

function presentPhoto(p: HazardPhoto, names: HazardNames) {
  return { id: p.id, storageKey: p.storageKey, uploadedBy: ref(p.uploadedBy, names.people), at: iso(p.at) };
}
