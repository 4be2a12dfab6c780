import type { EntityManager } from "typeorm";
import { Enterprise, OrgUnit, Person } from "../../db/entities";
import { TIP_OFFICER } from "./policy";

/** Within this distance of a tip's position, an enterprise in the directory names the tip's unit. */
const NEAR_METRES = 1_000;

/** Where a public tip points. */
export interface TipWhere {
  enterpriseId?: number | null;
  latitude?: number | null;
  longitude?: number | null;
}

/**
 * The unit a tip belongs to: its enterprise's supervising unit, else that of the nearest
 * enterprise within a kilometre of its position; null when the place names no unit.
 */
export async function unitOfPlace(manager: EntityManager, where: TipWhere): Promise<number | null> {
  if (where.enterpriseId) return (await manager.findOne(Enterprise, { where: { id: where.enterpriseId } }))?.supervisingUnitId ?? null;
  const { latitude, longitude } = where;
  if (typeof latitude !== "number" || typeof longitude !== "number") return null;
  // A box first (about 1 km each way), then the true distance.
  const dLat = NEAR_METRES / 111_000;
  const dLng = NEAR_METRES / (111_000 * Math.max(Math.cos((latitude * Math.PI) / 180), 0.01));
  const near = await manager
    .createQueryBuilder(Enterprise, "e")
    .where("e.latitude BETWEEN :a AND :b AND e.longitude BETWEEN :c AND :d", { a: latitude - dLat, b: latitude + dLat, c: longitude - dLng, d: longitude + dLng })
    .getMany();
  let best: { unitId: number; metres: number } | null = null;
  for (const e of near) {
    const metres = distanceMetres(latitude, longitude, e.latitude as number, e.longitude as number);
    if (metres <= NEAR_METRES && (!best || metres < best.metres)) best = { unitId: e.supervisingUnitId, metres };
  }
  return best?.unitId ?? null;
}

/**
 * The tip officers for a unit: those of the unit itself, else of the nearest unit above it that has
 * any; every tip officer when the unit is unknown or no unit up the line has one (nobody is missed).
 */
export async function officersFor(manager: EntityManager, unitId: number | null): Promise<Person[]> {
  const officers = (await manager.find(Person, { where: { active: true }, order: { id: "ASC" } })).filter((p) => p.roles.includes(TIP_OFFICER));
  if (unitId === null) return officers;
  const unit = await manager.findOne(OrgUnit, { where: { id: unitId } });
  const line = [...new Set([unitId, ...(unit?.path.split("/").filter(Boolean).map(Number).reverse() ?? [])])];
  for (const id of line) {
    const here = officers.filter((p) => p.unitId === id);
    if (here.length > 0) return here;
  }
  return officers;
}

function distanceMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}
