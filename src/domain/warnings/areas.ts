import type { EntityManager } from "typeorm";
import { OrgUnit } from "../../db/entities";

/** Warned areas matched to units; what could not be matched is kept, as written, for the reply. */
export interface AreaMatch {
  units: OrgUnit[];
  /** Area names or codes with no unit, or naming several units (then marked 重名). */
  unknown: string[];
}

/**
 * Matches each area to one unit by code, by exact name, by name after the county's own name
 * ("青禾县东岭镇" → 东岭镇), or the county itself ("青禾县" → the root unit "青禾县应急管理局").
 * A name shared by two units is not guessed: a warning must not call the wrong village.
 */
export async function matchAreas(tx: EntityManager, areas: readonly string[]): Promise<AreaMatch> {
  const all = await tx.find(OrgUnit, { order: { id: "ASC" } });
  const root = all.find((u) => u.parentId === null);
  const county = root ? countyName(root.name) : "";
  const units = new Map<number, OrgUnit>();
  const unknown: string[] = [];
  for (const raw of new Set(areas.map((a) => a.trim()).filter(Boolean))) {
    const hits = candidates(all, raw, county, root);
    if (hits.length === 1) units.set((hits[0] as OrgUnit).id, hits[0] as OrgUnit);
    else unknown.push(hits.length === 0 ? raw : `${raw}（重名，请改用单位编码）`);
  }
  return { units: [...units.values()], unknown };
}

function candidates(all: readonly OrgUnit[], area: string, county: string, root: OrgUnit | undefined): OrgUnit[] {
  const byCode = all.filter((u) => u.code === area);
  if (byCode.length) return byCode;
  if (root && county && (area === county || area === root.name)) return [root];
  const name = county && area.startsWith(county) && area.length > county.length ? area.slice(county.length) : area;
  return all.filter((u) => u.name === name);
}

/** "青禾县应急管理局" → "青禾县": the county's name is the root unit's name up to 县/区/市. */
function countyName(rootName: string): string {
  const m = /^(.+?[县区市旗])/.exec(rootName);
  return m ? (m[1] as string) : "";
}
