import { Enterprise } from "../../db/entities";
import type { EnterpriseRow, KindCounts, Sourced } from "./model";
import type { StoredDirectory } from "./stored";
import { type DirectoryWriter, newCounts } from "./writer";

type EnterpriseFields = Omit<EnterpriseRow, "creditCode" | "supervisingUnitCode" | "adminOwnerMobile" | "supervisorOwnerMobile" | "enterpriseOwnerMobile"> &
  Pick<Enterprise, "supervisingUnitId" | "adminOwnerId" | "supervisorOwnerId" | "enterpriseOwnerId">;

/** Creates and updates enterprises, linking their supervising unit and three responsible people. */
export async function applyEnterprises(
  w: DirectoryWriter,
  rows: Sourced<EnterpriseRow>[],
  stored: StoredDirectory,
  unitIds: Map<string, number>,
  personIds: Map<string, number>,
): Promise<KindCounts> {
  const counts = newCounts();
  const person = (mobile: string | null) => (mobile === null ? null : (personIds.get(mobile) as number));
  for (const { row } of rows) {
    const next: EnterpriseFields = {
      name: row.name,
      industry: row.industry,
      scale: row.scale,
      riskLevel: row.riskLevel,
      address: row.address,
      longitude: row.longitude,
      latitude: row.latitude,
      supervisingUnitId: unitIds.get(row.supervisingUnitCode) as number,
      adminOwnerId: person(row.adminOwnerMobile),
      supervisorOwnerId: person(row.supervisorOwnerMobile),
      enterpriseOwnerId: person(row.enterpriseOwnerMobile),
      active: row.active,
    };
    const existing = stored.enterpriseByCode.get(row.creditCode);
    if (!existing) {
      const id = await w.insert(Enterprise, { creditCode: row.creditCode, ...next });
      w.created("enterprise", id, { creditCode: row.creditCode, ...next }, counts);
      continue;
    }
    const before: EnterpriseFields = {
      name: existing.name,
      industry: existing.industry,
      scale: existing.scale,
      riskLevel: existing.riskLevel,
      address: existing.address,
      longitude: existing.longitude,
      latitude: existing.latitude,
      supervisingUnitId: existing.supervisingUnitId,
      adminOwnerId: existing.adminOwnerId,
      supervisorOwnerId: existing.supervisorOwnerId,
      enterpriseOwnerId: existing.enterpriseOwnerId,
      active: existing.active,
    };
    await w.update(Enterprise, "enterprise", existing.id, before, next, counts);
  }
  return counts;
}
