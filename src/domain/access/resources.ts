import type { EntityManager } from "typeorm";
import { Callout, Enterprise, Hazard, Inspection, OrgUnit, Person } from "../../db/entities";
import { type DataScope, unitInScope } from "./scope";

/** Kinds of row a route's `:id` can name, each with the unit it belongs to. */
export type ScopedResource = "hazard" | "callout" | "inspection" | "person" | "enterprise" | "unit";

/** Where a row stands: its unit, and whether it is the person's own (for 仅本人). */
interface Placed {
  unitId: number;
  own: boolean;
}

const PLACE: Record<ScopedResource, (m: EntityManager, id: number, me: number) => Promise<Placed | null>> = {
  hazard: async (m, id, me) => {
    const h = await m.findOne(Hazard, { where: { id }, select: { id: true, unitId: true, ownerId: true, reporterId: true, enterpriseId: true } });
    if (!h) return null;
    const ownsEnterprise = h.enterpriseId !== null && (await m.count(Enterprise, { where: { id: h.enterpriseId, enterpriseOwnerId: me } })) > 0;
    return { unitId: h.unitId, own: h.ownerId === me || h.reporterId === me || ownsEnterprise };
  },
  // A campaign belongs to its initiator's unit: a town's leader does not read the county's.
  callout: async (m, id, me) => {
    const c = await m.findOne(Callout, { where: { id }, select: { id: true, initiatorId: true } });
    const initiator = c ? await m.findOne(Person, { where: { id: c.initiatorId }, select: { id: true, unitId: true } }) : null;
    return c && initiator ? { unitId: initiator.unitId, own: c.initiatorId === me } : null;
  },
  inspection: async (m, id, me) => {
    const i = await m.findOne(Inspection, { where: { id }, select: { id: true, unitId: true, inspectorId: true } });
    return i ? { unitId: i.unitId, own: i.inspectorId === me } : null;
  },
  person: async (m, id, me) => {
    const p = await m.findOne(Person, { where: { id }, select: { id: true, unitId: true } });
    return p ? { unitId: p.unitId, own: p.id === me } : null;
  },
  enterprise: async (m, id, me) => {
    const e = await m.findOne(Enterprise, { where: { id }, select: { id: true, supervisingUnitId: true, enterpriseOwnerId: true } });
    return e ? { unitId: e.supervisingUnitId, own: e.enterpriseOwnerId === me } : null;
  },
  unit: async (m, id) => {
    const u = await m.findOne(OrgUnit, { where: { id }, select: { id: true } });
    return u ? { unitId: u.id, own: false } : null;
  },
};

/**
 * Whether the row is inside the scope: true, false, or null when there is no such row (the route
 * answers its own 404). Under 仅本人 only the person's own rows are.
 */
export async function resourceInScope(manager: EntityManager, scope: DataScope, kind: ScopedResource, id: number): Promise<boolean | null> {
  const placed = await PLACE[kind](manager, id, scope.personId);
  if (!placed) return null;
  return scope.code === "self" ? placed.own : unitInScope(scope, placed.unitId);
}

/** The unit a query value or a rule names: an id, a code, or a unique name; null when none matches (the route reports it). */
export async function unitNamed(manager: EntityManager, value: string): Promise<OrgUnit | null> {
  const v = value.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) {
    const byId = await manager.findOne(OrgUnit, { where: { id: Number(v) } });
    if (byId) return byId;
  }
  const byCode = await manager.findOne(OrgUnit, { where: { code: v } });
  if (byCode) return byCode;
  const byName = await manager.find(OrgUnit, { where: { name: v }, take: 2 });
  return byName.length === 1 ? (byName[0] as OrgUnit) : null;
}

/** Whether the scope reaches the whole county (全部, or rooted at a top unit). */
export function countyWide(scope: DataScope): boolean {
  return scope.unitIds === null || scope.roots.some((u) => u.parentId === null);
}
