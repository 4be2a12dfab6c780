import type { Inspection } from "../../db/entities";
import { type InspectionDetail, type InspectionNames, type InspectionPage, inspectionKindLabels, inspectionResultLabels } from "../../domain/inspections";

const ref = (id: number | null, names: Map<number, string>) => (id === null ? null : { id, name: names.get(id) ?? null });

/** A check-in as the admin API shows it: codes for programs, Chinese labels for people. */
export function presentInspection(i: Inspection, names: InspectionNames, photoKeys: readonly string[]) {
  return {
    id: i.id,
    inspector: ref(i.inspectorId, names.people),
    unit: ref(i.unitId, names.units),
    enterprise: ref(i.enterpriseId, names.enterprises),
    kind: { code: i.kind, label: inspectionKindLabels[i.kind] },
    result: { code: i.result, label: inspectionResultLabels[i.result] },
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
export function presentInspectionPage(page: InspectionPage) {
  return {
    data: page.items.map((i) => presentInspection(i, page.names, page.photos.get(i.id) ?? [])),
    paging: { page: page.page, pageSize: page.pageSize, total: page.total },
  };
}

/** One check-in. */
export function presentInspectionDetail(d: InspectionDetail) {
  return presentInspection(d.inspection, d.names, d.photoKeys);
}
