import type { EntityManager } from "typeorm";
import { In, Not } from "typeorm";
import { type Hazard, OrgUnit } from "../../db/entities";
import { Invalid, NotFound } from "../../errors";
import { fallback, SUPERVISOR_FALLBACK } from "./routing";

/** Units a new hazard can be handed to: the bureau's offices, the squad and the towns. */
const TARGET_KINDS = ["department", "squad", "town"] as const;

export interface TransferTarget {
  unitId: number;
  name: string;
}

/** Where `hazard` may be handed (转交): every office, squad and town but its own unit, in code order. */
export async function transferTargets(tx: EntityManager, hazard: Pick<Hazard, "unitId">): Promise<TransferTarget[]> {
  const units = await tx.find(OrgUnit, { where: { kind: In([...TARGET_KINDS]), id: Not(hazard.unitId) }, order: { code: "ASC" } });
  return units.map((u) => ({ unitId: u.id, name: u.name }));
}

/**
 * The fields 转交 changes: the hazard now belongs to `unitId` and its supervisor is that unit's
 * (so the new supervisor 交办s it); a note for the ledger names both.
 */
export async function transferPatch(tx: EntityManager, hazard: Hazard, unitId: number): Promise<{ patch: Partial<Hazard>; note: string }> {
  const unit = await tx.findOne(OrgUnit, { where: { id: unitId } });
  if (!unit) throw NotFound("该单位", "unit_not_found");
  if (!(TARGET_KINDS as readonly string[]).includes(unit.kind)) throw Invalid("只能转交给科室、执法中队或镇街", [{ where: "unitId", message: "单位类型不对" }], "hazard_transfer_target");
  if (unit.id === hazard.unitId) throw Invalid("该隐患已属于这个单位，无需转交", [{ where: "unitId", message: "与当前单位相同" }], "hazard_transfer_target");
  const notes: string[] = [];
  const supervisorId = await fallback(tx, unit.id, SUPERVISOR_FALLBACK, "监管人", notes);
  return { patch: { unitId: unit.id, supervisorId }, note: `转交至${unit.name}；${notes.join("；")}` };
}
