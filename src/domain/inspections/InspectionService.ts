import type { Enterprise, Inspection, Person } from "../../db/entities";
import { Invalid } from "../../errors";
import { checkIn } from "./checkIn";
import { type FoundEnterprise, nearestEnterprises, searchEnterprises } from "../org/enterprises";
import { isUsablePosition } from "../org/geo";
import { linkHazard } from "./linkHazard";
import { requireReader } from "./policy";
import { type InspectionDetail, inspectionDetail, type InspectionPage, listInspections } from "./queries";
import type { CheckInInput, InspectionFilter, InspectionServiceDeps } from "./types";

/** Most enterprises one search or "nearest" answer lists: enough to choose from on a phone. */
const MAX_FOUND = 20;

/**
 * 巡查打卡: check-ins at enterprises (who, where, when, what kind, what was found, photos), the
 * link to the hazard a check-in found, the records leaders read, and the enterprise lookups the
 * check-in conversation needs (by name, or nearest to a shared location).
 */
export class InspectionService {
  constructor(private readonly deps: InspectionServiceDeps) {}

  /** 打卡: records a check-in; a position far from the enterprise is flagged, not refused. */
  checkIn(inspector: Person, input: CheckInInput): Promise<Inspection> {
    return checkIn(this.deps, inspector, input);
  }

  /** Links the hazard reported from a check-in (the first one found on the visit). */
  linkHazard(inspectionId: number, hazardId: number): Promise<Inspection> {
    return linkHazard(this.deps.db, inspectionId, hazardId);
  }

  /** A page of check-ins matching `filter`, for the supervising staff. */
  async list(viewer: Person, filter: InspectionFilter): Promise<InspectionPage> {
    requireReader(viewer);
    return listInspections(this.deps.db.manager, filter);
  }

  /** One check-in with its photos, for the supervising staff. */
  async detail(viewer: Person, id: number): Promise<InspectionDetail> {
    requireReader(viewer);
    return inspectionDetail(this.deps.db.manager, id);
  }

  /** Active enterprises whose name or credit code contains `text` (case-insensitive), best matches first. */
  searchEnterprises(text: string, limit = 8): Promise<Enterprise[]> {
    return searchEnterprises(this.deps.db.manager, text, Math.min(limit, MAX_FOUND));
  }

  /** The active enterprises nearest to a position, nearest first, with their distances. */
  async nearestEnterprises(latitude: number, longitude: number, limit = 5): Promise<FoundEnterprise[]> {
    if (!isUsablePosition(latitude, longitude)) throw Invalid("位置信息无效，请重新发送位置", [{ where: "position", message: "经纬度超出范围或为空" }], "inspection_position_invalid");
    return nearestEnterprises(this.deps.db.manager, latitude, longitude, Math.min(limit, MAX_FOUND));
  }
}
