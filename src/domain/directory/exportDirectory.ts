import type { Database } from "../../db/Database";
import type { EnterpriseRow, Kind, PersonRow, UnitRow } from "./model";
import { StoredDirectory } from "./stored";
import { type DirectoryRows, writeWorkbook } from "./writeWorkbook";

/** The stored directory as an import workbook (importing it back changes nothing), with its row counts. */
export async function exportDirectory(db: Database): Promise<{ content: Buffer; counts: Record<Kind, number> }> {
  const rows = storedRows(await StoredDirectory.load(db.manager));
  const counts = { units: rows.units.length, people: rows.people.length, enterprises: rows.enterprises.length };
  return { content: await writeWorkbook(rows), counts };
}

/** Stored rows in reading order: the unit tree top down, people and enterprises by unit. */
export function storedRows(stored: StoredDirectory): DirectoryRows {
  const units = [...stored.units].sort((a, b) => pathKey(a.path).localeCompare(pathKey(b.path)) || a.id - b.id);
  const unitOrder = new Map(units.map((u, i) => [u.id, i]));
  const byUnit = (a: { unitId: number; id: number }, b: { unitId: number; id: number }) =>
    (unitOrder.get(a.unitId) ?? 0) - (unitOrder.get(b.unitId) ?? 0) || a.id - b.id;
  const code = (id: number | null) => stored.unitCode(id) as string;
  return {
    units: units.map((u): UnitRow => ({ code: u.code, name: u.name, kind: u.kind, parentCode: stored.unitCode(u.parentId) })),
    people: [...stored.people].sort(byUnit).map(
      (p): PersonRow => ({
        mobile: p.mobile,
        name: p.name,
        unitCode: code(p.unitId),
        roles: p.roles,
        superiorMobile: stored.mobile(p.superiorId),
        ...stored.accountFields(p.id),
        active: p.active,
      }),
    ),
    enterprises: [...stored.enterprises]
      .sort((a, b) => byUnit({ unitId: a.supervisingUnitId, id: a.id }, { unitId: b.supervisingUnitId, id: b.id }))
      .map(
        (e): EnterpriseRow => ({
          creditCode: e.creditCode,
          name: e.name,
          industry: e.industry,
          scale: e.scale,
          riskLevel: e.riskLevel,
          address: e.address,
          longitude: e.longitude,
          latitude: e.latitude,
          supervisingUnitCode: code(e.supervisingUnitId),
          adminOwnerMobile: stored.mobile(e.adminOwnerId),
          supervisorOwnerMobile: stored.mobile(e.supervisorOwnerId),
          enterpriseOwnerMobile: stored.mobile(e.enterpriseOwnerId),
          active: e.active,
        }),
      ),
  };
}

/** `/1/4/17/` sorted as numbers, so siblings keep creation order and children follow parents. */
function pathKey(path: string): string {
  return path
    .split("/")
    .filter(Boolean)
    .map((id) => id.padStart(10, "0"))
    .join("/");
}
