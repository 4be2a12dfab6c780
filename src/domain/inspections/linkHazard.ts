import type { Database } from "../../db/Database";
import { Hazard, Inspection } from "../../db/entities";
import { Invalid, NotFound } from "../../errors";

/**
 * Records the hazard a check-in found. The first hazard reported from a visit is the one linked;
 * a second one from the same visit keeps the first link (it still names the enterprise and comes
 * from an inspection), so reporting several hazards in a row never fails on the link.
 */
export async function linkHazard(db: Database, inspectionId: number, hazardId: number): Promise<Inspection> {
  return db.transaction(async (tx) => {
    const inspection = await tx.findOne(Inspection, { where: { id: inspectionId } });
    if (!inspection) throw NotFound("该巡查记录", "inspection_not_found");
    const hazard = await tx.findOne(Hazard, { where: { id: hazardId } });
    if (!hazard) throw NotFound("该隐患", "hazard_not_found");
    if (hazard.enterpriseId !== inspection.enterpriseId) {
      throw Invalid("隐患与巡查记录不是同一家企业", [{ where: "hazardId", message: "企业不一致" }], "inspection_hazard_mismatch");
    }
    if (inspection.result !== "hazard_found") {
      throw Invalid("该巡查记录的结果为“无问题”，不能关联隐患", [{ where: "inspectionId", message: "结果不是发现隐患" }], "inspection_no_hazard_result");
    }
    if (inspection.hazardId !== null) return inspection;
    // Conditional on the link still being empty: two hazards linked at once, the first write wins.
    await tx.createQueryBuilder().update(Inspection).set({ hazardId }).where("id = :id AND hazard_id IS NULL", { id: inspectionId }).execute();
    return tx.findOneOrFail(Inspection, { where: { id: inspectionId } });
  });
}
