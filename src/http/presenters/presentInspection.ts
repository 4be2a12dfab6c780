import type { Inspection } from "../../db/entities";
import { type InspectionDetail, type InspectionNames, type InspectionPage, inspectionKinds, inspectionResults } from "../../domain/inspections";
import { page, ref } from "./present";

/** A check-in as the admin API shows it: codes for programs, Chinese labels for people. */
export function presentInspection(i: Inspection, names: InspectionNames, photoKeys: readonly string[]) {
  return {
    id: i.id,
    inspector: ref(i.inspectorId, names.people),
    unit: ref(i.unitId, names.units),
    enterprise: ref(i.enterpriseId, names.enterprises),
    kind: inspectionKinds.present(i.kind),
    result: inspectionResults.present(i.result),
    note: i.note,
    position: i.latitude === null || i.longitude === null ? null : { latitude: i.latitude, longitude: i.longitude },
    distanceMetres: i.distanceMetres,
    farFromSite: i.farFromSite,
    hazardId: i.hazardId,
    photoKeys: [...photoKeys],
    checkedInAt: i.checkedInAt.toISOString(),
  };
}

/** A page of the list. */
export function presentInspectionPage(p: InspectionPage) {
  return page(p, (i) => presentInspection(i, p.names, p.photos.get(i.id) ?? []));
}

/** One check-in. */
export function presentInspectionDetail(d: InspectionDetail) {
  return presentInspection(d.inspection, d.names, d.photoKeys);
}
