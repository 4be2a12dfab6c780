import type { EntityManager } from "typeorm";
import { Enterprise } from "../../db/entities";
import { boundingBox, haversineMetres } from "./geo";

/** An enterprise found by a search, with its distance when the search had a position. */
export interface FoundEnterprise {
  enterprise: Enterprise;
  /** Great-circle distance from the searcher, rounded to the metre; null without coordinates. */
  metres: number | null;
}

/** Most rows a name search reads before ranking; a county has a few thousand enterprises at most. */
const SEARCH_SCAN = 200;

/** Radii tried in turn for "nearest": a village, a town, a county, then everywhere. */
const NEAREST_RADII_M = [2_000, 10_000, 50_000, Infinity];

/** `%`, `_` and the escape character itself match literally: a name like `100%` is just text. */
const likeEscaped = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

/**
 * Active enterprises whose name or 统一社会信用代码 contains `text`, ignoring case the same way on
 * SQLite and MySQL (both sides lower-cased); the exact name first, then names starting with the
 * text, then the rest, shorter names before longer.
 */
export async function searchEnterprises(manager: EntityManager, text: string, limit: number): Promise<Enterprise[]> {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  const pattern = `%${likeEscaped(needle)}%`;
  const rows = await manager
    .createQueryBuilder(Enterprise, "e")
    .where("e.active = :active", { active: true })
    .andWhere("(LOWER(e.name) LIKE :pattern ESCAPE '!' OR LOWER(e.credit_code) LIKE :pattern ESCAPE '!')", { pattern })
    .orderBy("e.id", "ASC")
    .take(SEARCH_SCAN)
    .getMany();
  const rank = (e: Enterprise) => {
    const name = e.name.toLowerCase();
    if (name === needle || e.creditCode.toLowerCase() === needle) return 0;
    return name.startsWith(needle) ? 1 : 2;
  };
  return rows
    .map((e) => ({ e, rank: rank(e), length: [...e.name].length }))
    .sort((a, b) => a.rank - b.rank || a.length - b.length || a.e.id - b.e.id)
    .slice(0, Math.max(0, limit))
    .map((x) => x.e);
}

/**
 * The `limit` active enterprises nearest to a position, nearest first. A bounding box keeps the
 * rows read small; it widens until it holds enough enterprises, so a remote position still gets
 * answers. Enterprises without coordinates are never "near".
 */
export async function nearestEnterprises(manager: EntityManager, lat: number, lng: number, limit: number): Promise<FoundEnterprise[]> {
  if (limit <= 0) return [];
  for (const radius of NEAREST_RADII_M) {
    const q = manager
      .createQueryBuilder(Enterprise, "e")
      .where("e.active = :active", { active: true })
      .andWhere("e.latitude IS NOT NULL AND e.longitude IS NOT NULL");
    if (Number.isFinite(radius)) {
      const box = boundingBox(lat, lng, radius);
      q.andWhere("e.latitude BETWEEN :minLat AND :maxLat AND e.longitude BETWEEN :minLng AND :maxLng", box);
    }
    const found = (await q.getMany())
      .map((enterprise) => ({ enterprise, metres: Math.round(haversineMetres(lat, lng, enterprise.latitude as number, enterprise.longitude as number)) }))
      .filter((f) => f.metres <= radius)
      .sort((a, b) => a.metres - b.metres || a.enterprise.id - b.enterprise.id);
    // Inside the radius the order is exact: nothing outside the box can be nearer than `radius`.
    if (found.length >= limit || !Number.isFinite(radius)) return found.slice(0, limit);
  }
  return [];
}
