import type { EntityManager } from "typeorm";
import { nearestEnterprises } from "../org/enterprises";
import { Enterprise, OrgUnit, Person } from "../../db/entities";
import { Invalid, NotFound } from "../../errors";
import { type RoleCode, roles } from "../org/vocabulary";
import type { HazardPlace } from "./types";

/**
 * A free-location hazard with coordinates but no unit belongs to the unit supervising the nearest
 * active enterprise within this distance; further away (or without coordinates) it goes to the
 * reporter's own unit. Two kilometres is about a village's reach in the county.
 */
export const NEAREST_ENTERPRISE_RADIUS_M = 2000;

/** Who rectifies when nobody is named: a village's cadre first, then the grid, then the inspectors, then the leaders. */
const OWNER_FALLBACK: readonly RoleCode[] = ["village_cadre", "grid_member", "inspector", "enforcer", "admin_owner", "deputy_leader", "chief"];

/** Who supervises when nobody is named: the department supervisor, else the unit's leader, else an inspector. */
export const SUPERVISOR_FALLBACK: readonly RoleCode[] = ["dept_supervisor", "admin_owner", "inspector", "deputy_leader", "chief"];

/** Where a new hazard goes, and why (the why is written to the ledger). */
export interface Route {
  unitId: number;
  enterprise: Enterprise | null;
  ownerId: number;
  supervisorId: number;
  /** Chinese lines explaining each choice, e.g. `责任人：企业单位负责人 潘德明`. */
  notes: string[];
}

/** Routes a hazard at an enterprise along its "三个责任人", falling back to the unit's people. */
export async function routeToEnterprise(tx: EntityManager, enterpriseId: number): Promise<Route> {
  const enterprise = await tx.findOne(Enterprise, { where: { id: enterpriseId } });
  if (!enterprise) throw NotFound("该企业", "enterprise_not_found");
  if (!enterprise.active) throw Invalid(`${enterprise.name} 已停用，不能登记隐患`, [{ where: "enterpriseId", message: "企业已停用" }], "enterprise_inactive");
  const notes: string[] = [];
  const owner = await activePerson(tx, enterprise.enterpriseOwnerId);
  const supervisor = await activePerson(tx, enterprise.supervisorOwnerId);
  const ownerId = owner ? (notes.push(`责任人：企业单位负责人 ${owner.name}`), owner.id) : await fallback(tx, enterprise.supervisingUnitId, OWNER_FALLBACK, "责任人", notes);
  const supervisorId = supervisor
    ? (notes.push(`监管人：行业部门监管负责人 ${supervisor.name}`), supervisor.id)
    : await fallback(tx, enterprise.supervisingUnitId, SUPERVISOR_FALLBACK, "监管人", notes);
  return { unitId: enterprise.supervisingUnitId, enterprise, ownerId, supervisorId, notes };
}

/** Routes a hazard away from any enterprise to the unit covering the place and that unit's people. */
export async function routeToPlace(tx: EntityManager, place: HazardPlace, reporter: Person): Promise<Route> {
  const notes: string[] = [];
  const unitId = await unitForPlace(tx, place, reporter, notes);
  const ownerId = await fallback(tx, unitId, OWNER_FALLBACK, "责任人", notes);
  const supervisorId = await fallback(tx, unitId, SUPERVISOR_FALLBACK, "监管人", notes);
  return { unitId, enterprise: null, ownerId, supervisorId, notes };
}

async function unitForPlace(tx: EntityManager, place: HazardPlace, reporter: Person, notes: string[]): Promise<number> {
  if (place.unitId) {
    const unit = await tx.findOne(OrgUnit, { where: { id: place.unitId } });
    if (!unit) throw NotFound("该单位", "unit_not_found");
    notes.push(`属地单位：${unit.name}（上报人指定）`);
    return unit.id;
  }
  if (place.latitude != null && place.longitude != null) {
    const near = await nearestEnterprise(tx, place.latitude, place.longitude);
    if (near && near.metres <= NEAREST_ENTERPRISE_RADIUS_M) {
      notes.push(`属地单位：按最近企业“${near.enterprise.name}”（约 ${Math.round(near.metres)} 米）的监管单位确定`);
      return near.enterprise.supervisingUnitId;
    }
  }
  notes.push("属地单位：未能按位置确定，归上报人所在单位");
  return reporter.unitId;
}

async function nearestEnterprise(tx: EntityManager, lat: number, lng: number): Promise<{ enterprise: Enterprise; metres: number } | null> {
  const [nearest] = await nearestEnterprises(tx, lat, lng, 1);
  return nearest && nearest.metres !== null ? { enterprise: nearest.enterprise, metres: nearest.metres } : null;
}

async function activePerson(tx: EntityManager, id: number | null): Promise<Person | null> {
  if (id === null) return null;
  const person = await tx.findOne(Person, { where: { id } });
  return person?.active ? person : null;
}

/**
 * The first active person of `unitId` holding the earliest role of `order` (lowest id wins a tie),
 * climbing to the parent unit when the unit has nobody: deterministic, and never empty-handed
 * while the county has any leader.
 */
export async function fallback(tx: EntityManager, unitId: number, order: readonly RoleCode[], what: string, notes: string[]): Promise<number> {
  let unit = await tx.findOne(OrgUnit, { where: { id: unitId } });
  while (unit) {
    const people = await tx.find(Person, { where: { unitId: unit.id, active: true }, order: { id: "ASC" } });
    for (const role of order) {
      const found = people.find((p) => p.roles.includes(role));
      if (found) {
        notes.push(`${what}：${unit.name}${roles.label(role)} ${found.name}（兜底）`);
        return found.id;
      }
    }
    unit = unit.parentId === null ? null : await tx.findOne(OrgUnit, { where: { id: unit.parentId } });
  }
  throw Invalid(`无法确定${what}：所在单位及其上级单位均无可用人员`, undefined, "hazard_unroutable");
}
