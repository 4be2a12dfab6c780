import type { EntityManager } from "typeorm";
import { Enterprise, Inspection, type Person } from "../../db/entities";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { earlierResult, recordResult } from "../requests/requestResults";
import { haversineMetres, isUsablePosition } from "../org/geo";
import { addInspectionPhotos, checkInspectionPhotos, checkPhotosAreTheCallers } from "./photos";
import { requireInspector } from "./policy";
import type { CheckInInput, InspectionServiceDeps, Position } from "./types";
import { INSPECTION_KINDS, INSPECTION_RESULTS } from "./vocabulary";

/** Longest note kept; a phone message rarely comes near it. */
export const MAX_NOTE_CHARS = 1000;

/**
 * Records a check-in with its photos in one transaction. A position far from the enterprise is
 * recorded and flagged, never refused: the inspector may stand at a second gate or a site office,
 * and a leader reading the record decides what the distance means.
 */
export async function checkIn(deps: InspectionServiceDeps, inspector: Person, input: CheckInInput): Promise<Inspection> {
  requireInspector(inspector);
  const clean = checkInput(input);
  // Read-only and reading files: checked before the transaction rather than holding it open.
  await checkPhotosAreTheCallers(deps.db.manager, deps.media, clean.photoKeys, inspector.id);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const earlier = await earlierResult(tx, input.requestKey, "inspection");
    if (earlier !== null) return tx.findOneByOrFail(Inspection, { id: earlier });
    const enterprise = await activeEnterprise(tx, input.enterpriseId);
    if (enterprise.enterpriseOwnerId === inspector.id) throw Forbidden("不能在本人负责的企业巡查打卡", "inspection_own_enterprise");
    const distance = distanceTo(enterprise, clean.position);
    const inspection = await tx.save(
      tx.create(Inspection, {
        inspectorId: inspector.id,
        unitId: inspector.unitId,
        enterpriseId: enterprise.id,
        kind: input.kind,
        result: input.result,
        note: clean.note,
        latitude: clean.position?.latitude ?? null,
        longitude: clean.position?.longitude ?? null,
        distanceMetres: distance,
        farFromSite: distance !== null && distance > deps.config.farMetres,
        hazardId: null,
        checkedInAt: now,
      }),
    );
    await addInspectionPhotos(tx, inspection.id, clean.photoKeys, now);
    await recordResult(tx, input.requestKey, "inspection", inspection.id, now);
    return inspection;
  });
}

interface CleanCheckIn {
  note: string | null;
  photoKeys: string[];
  position: Position | null;
}

function checkInput(input: CheckInInput): CleanCheckIn {
  if (!INSPECTION_KINDS.includes(input.kind)) throw Invalid("检查类型不正确", [{ where: "kind", message: "应为日常巡查、执法检查、专项检查、督导检查或明察暗访" }], "inspection_kind_invalid");
  if (!INSPECTION_RESULTS.includes(input.result)) throw Invalid("检查结果不正确", [{ where: "result", message: "应为无问题或发现隐患" }], "inspection_result_invalid");
  const note = input.note?.trim() || null;
  if (note && [...note].length > MAX_NOTE_CHARS) throw Invalid(`备注不能超过 ${MAX_NOTE_CHARS} 个字`, [{ where: "note", message: `最多 ${MAX_NOTE_CHARS} 个字` }], "inspection_note_too_long");
  // "无问题" has nothing else to show for the visit; a hazard found brings its own photos.
  const photoKeys = checkInspectionPhotos(input.photoKeys, input.result === "no_problem");
  const position = input.position ?? null;
  if (position && !isUsablePosition(position.latitude, position.longitude)) {
    throw Invalid("位置信息无效，请重新发送位置", [{ where: "position", message: "经纬度超出范围或为空" }], "inspection_position_invalid");
  }
  return { note, photoKeys, position };
}

async function activeEnterprise(tx: EntityManager, id: number): Promise<Enterprise> {
  const enterprise = await tx.findOne(Enterprise, { where: { id } });
  if (!enterprise) throw NotFound("该企业", "enterprise_not_found");
  if (!enterprise.active) throw Invalid(`${enterprise.name} 已停用，不能打卡`, [{ where: "enterpriseId", message: "企业已停用" }], "enterprise_inactive");
  return enterprise;
}

/** Metres from the inspector to the enterprise, when both positions are known. */
function distanceTo(enterprise: Enterprise, position: Position | null): number | null {
  if (!position || enterprise.latitude == null || enterprise.longitude == null) return null;
  return Math.round(haversineMetres(position.latitude, position.longitude, enterprise.latitude, enterprise.longitude));
}
