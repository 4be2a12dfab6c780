import type { EntityManager } from "typeorm";
import { Hazard, type HazardLedgerEntry, type HazardPhoto, OrgUnit } from "../../db/entities";
import { NotFound } from "../../errors";
import { type Names, namesOf } from "../org/names";
import { ledgerOf } from "./ledger";
import { photosOf } from "./photos";
import type { HazardLevel, HazardState } from "./vocabulary";

/** States in which a passed deadline means the hazard is overdue (rectification still owed). */
export const OPEN_STATES: readonly HazardState[] = ["assigned", "rectifying"];

/** What the list can be narrowed by; every field is optional. */
export interface HazardFilter {
  /** This unit and every unit below it (org_units.path). */
  unitId?: number;
  enterpriseId?: number;
  level?: HazardLevel;
  states?: readonly HazardState[];
  /** Only hazards past their deadline and still owed (true), or only those that are not (false). */
  overdue?: boolean;
  /** Reported at or after … */
  from?: Date;
  /** … and before. */
  to?: Date;
  page?: number;
  pageSize?: number;
  /** Only hazards of these units (the viewer's data scope, already expanded to subtrees); empty matches none. */
  withinUnits?: readonly number[];
  /** Only the viewer's own (仅本人): set `visibleTo` to them even when they are supervising staff. */
  ownOnly?: boolean;
  /**
   * Only what this person may see: hazards they own or reported, or at an enterprise they are the
   * 企业单位负责人 of. Set for people outside the supervising staff (see `canSeeAllHazards`).
   */
  visibleTo?: number;
}

/** The SQL condition behind `visibleTo`, shared by the list and the detail check. */
const VISIBLE_TO =
  "(h.owner_id = :me OR h.reporter_id = :me OR h.enterprise_id IN (SELECT e.id FROM enterprises e WHERE e.enterprise_owner_id = :me))";

/** Names of the people, unit and enterprise a hazard refers to, by id. */
export type HazardNames = Names;

export interface HazardPage {
  items: Hazard[];
  names: HazardNames;
  total: number;
  page: number;
  pageSize: number;
  /** The instant "overdue" was judged at. */
  now: Date;
}

export interface HazardDetail {
  hazard: Hazard;
  names: HazardNames;
  ledger: HazardLedgerEntry[];
  photos: HazardPhoto[];
  now: Date;
}

/** True when the hazard's deadline has passed while rectification is still owed. */
export function isOverdue(h: Pick<Hazard, "state" | "deadline">, now: Date): boolean {
  return h.deadline !== null && OPEN_STATES.includes(h.state) && h.deadline.getTime() < now.getTime();
}

/** A page of hazards, newest first. */
export async function listHazards(manager: EntityManager, filter: HazardFilter, now: Date): Promise<HazardPage> {
  const page = Math.max(1, filter.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, filter.pageSize ?? 20));
  const q = manager.createQueryBuilder(Hazard, "h");
  if (filter.unitId !== undefined) {
    const unit = await manager.findOne(OrgUnit, { where: { id: filter.unitId } });
    if (!unit) throw NotFound("该单位", "unit_not_found");
    q.andWhere("h.unit_id IN (SELECT u.id FROM org_units u WHERE u.path LIKE :prefix)", { prefix: `${unit.path}%` });
  }
  if (filter.visibleTo !== undefined) q.andWhere(VISIBLE_TO, { me: filter.visibleTo });
  if (filter.withinUnits) q.andWhere(filter.withinUnits.length ? "h.unit_id IN (:...within)" : "1 = 0", { within: [...filter.withinUnits] });
  if (filter.enterpriseId !== undefined) q.andWhere("h.enterprise_id = :enterpriseId", { enterpriseId: filter.enterpriseId });
  if (filter.level) q.andWhere("h.level = :level", { level: filter.level });
  if (filter.states?.length) q.andWhere("h.state IN (:...states)", { states: [...filter.states] });
  if (filter.from) q.andWhere("h.reported_at >= :from", { from: filter.from });
  if (filter.to) q.andWhere("h.reported_at < :to", { to: filter.to });
  if (filter.overdue === true) q.andWhere("h.state IN (:...open) AND h.deadline IS NOT NULL AND h.deadline < :now", { open: [...OPEN_STATES], now });
  if (filter.overdue === false) q.andWhere("NOT (h.state IN (:...open) AND h.deadline IS NOT NULL AND h.deadline < :now)", { open: [...OPEN_STATES], now });
  const [items, total] = await q
    .orderBy("h.reported_at", "DESC")
    .addOrderBy("h.id", "DESC")
    .skip((page - 1) * pageSize)
    .take(pageSize)
    .getManyAndCount();
  return { items, names: await namesFor(manager, items, []), total, page, pageSize, now };
}

/** One hazard with its timeline (oldest first) and photos. */
export async function hazardDetail(manager: EntityManager, id: number, now: Date, visibleTo?: number): Promise<HazardDetail> {
  const q = manager.createQueryBuilder(Hazard, "h").where("h.id = :id", { id });
  // Someone who may not see it learns nothing, not even that it exists.
  if (visibleTo !== undefined) q.andWhere(VISIBLE_TO, { me: visibleTo });
  const hazard = await q.getOne();
  if (!hazard) throw NotFound("该隐患", "hazard_not_found");
  const [ledger, photos] = await Promise.all([ledgerOf(manager, id), photosOf(manager, id)]);
  const extra = [...ledger.map((e) => e.actorId), ...photos.map((p) => p.uploadedBy)];
  return { hazard, names: await namesFor(manager, [hazard], extra), ledger, photos, now };
}

function namesFor(manager: EntityManager, hazards: Hazard[], extraPeople: (number | null)[]): Promise<HazardNames> {
  return namesOf(manager, {
    people: [...hazards.flatMap((h) => [h.reporterId, h.ownerId, h.supervisorId, h.verifierId, h.leaderSignoffBy]), ...extraPeople],
    units: hazards.map((h) => h.unitId),
    enterprises: hazards.map((h) => h.enterpriseId),
  });
}
