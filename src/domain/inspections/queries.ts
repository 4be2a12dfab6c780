import type { EntityManager } from "typeorm";
import { Inspection, OrgUnit } from "../../db/entities";
import { inspectionPhotos } from "./photos";
import { NotFound } from "../../errors";
import { type Names, namesOf } from "../org/names";
import type { InspectionFilter } from "./types";

/** Names of the people, units and enterprises check-ins refer to, by id. */
export type InspectionNames = Names;

export interface InspectionPage {
  items: Inspection[];
  /** Photo storage keys of each listed check-in, oldest first. */
  photos: Map<number, string[]>;
  names: InspectionNames;
  total: number;
  page: number;
  pageSize: number;
}

/** A page of check-ins, newest first. */
export async function listInspections(manager: EntityManager, filter: InspectionFilter): Promise<InspectionPage> {
  const page = Math.max(1, filter.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, filter.pageSize ?? 20));
  const q = manager.createQueryBuilder(Inspection, "i");
  if (filter.unitId !== undefined) {
    const unit = await manager.findOne(OrgUnit, { where: { id: filter.unitId } });
    if (!unit) throw NotFound("该单位", "unit_not_found");
    q.andWhere("i.unit_id IN (SELECT u.id FROM org_units u WHERE u.path LIKE :prefix)", { prefix: `${unit.path}%` });
  }
  if (filter.withinUnits) q.andWhere(filter.withinUnits.length ? "i.unit_id IN (:...within)" : "1 = 0", { within: [...filter.withinUnits] });
  if (filter.inspectorId !== undefined) q.andWhere("i.inspector_id = :inspectorId", { inspectorId: filter.inspectorId });
  if (filter.enterpriseId !== undefined) q.andWhere("i.enterprise_id = :enterpriseId", { enterpriseId: filter.enterpriseId });
  if (filter.kind) q.andWhere("i.kind = :kind", { kind: filter.kind });
  if (filter.result) q.andWhere("i.result = :result", { result: filter.result });
  if (filter.farFromSite !== undefined) q.andWhere("i.far_from_site = :far", { far: filter.farFromSite });
  if (filter.from) q.andWhere("i.checked_in_at >= :from", { from: filter.from });
  if (filter.to) q.andWhere("i.checked_in_at < :to", { to: filter.to });
  const [items, total] = await q
    .orderBy("i.checked_in_at", "DESC")
    .addOrderBy("i.id", "DESC")
    .skip((page - 1) * pageSize)
    .take(pageSize)
    .getManyAndCount();
  const [photos, names] = await Promise.all([photosOf(manager, items.map((i) => i.id)), namesFor(manager, items)]);
  return { items, photos, names, total, page, pageSize };
}

/** One check-in with its names and photos. */
export interface InspectionDetail {
  inspection: Inspection;
  photoKeys: string[];
  names: InspectionNames;
}

/** One check-in by id. */
export async function inspectionDetail(manager: EntityManager, id: number): Promise<InspectionDetail> {
  const inspection = await manager.findOne(Inspection, { where: { id } });
  if (!inspection) throw NotFound("该巡查记录", "inspection_not_found");
  const [photos, names] = await Promise.all([photosOf(manager, [id]), namesFor(manager, [inspection])]);
  return { inspection, photoKeys: photos.get(id) ?? [], names };
}

/** Photo keys by check-in id, oldest first. */
function photosOf(manager: EntityManager, ids: number[]): Promise<Map<number, string[]>> {
  return inspectionPhotos.keysByCase(manager, ids);
}

function namesFor(manager: EntityManager, items: Inspection[]): Promise<InspectionNames> {
  return namesOf(manager, { people: items.map((i) => i.inspectorId), units: items.map((i) => i.unitId), enterprises: items.map((i) => i.enterpriseId) });
}
