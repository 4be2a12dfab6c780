import { In, type EntityManager } from "typeorm";
import { PublicTip, Tip, TipCategory } from "../../db/entities";
import type { TipState } from "./vocabulary";

/** Open311 GeoReport v2 has two statuses. */
export const open311Status = (state: TipState): "open" | "closed" => (state === "closed" || state === "rejected" ? "closed" : "open");

/** One service request as GeoReport v2 names its fields; never the tipster, never a photo. */
export interface Open311Request {
  service_request_id: string;
  status: "open" | "closed";
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: number | null;
  long: number | null;
  media_url: null;
}

/** Which requests a `GET requests` asks for. */
export interface Open311Query {
  ids?: number[];
  serviceCode?: string;
  status?: "open" | "closed";
  start?: Date;
  end?: Date;
}

const AGENCY = "应急管理部门";
const MAX_REQUESTS = 200;

/**
 * Public tips as Open311 service requests. A caller with an API key sees everything but the
 * tipster; without one, a tip still open shows neither its description nor its place — the
 * enterprise it names must not learn of it before the inspection. Photos are never given out.
 */
export async function open311Requests(manager: EntityManager, query: Open311Query, trusted: boolean, now: Date): Promise<Open311Request[]> {
  const qb = manager.createQueryBuilder(PublicTip, "p").innerJoinAndSelect("p.tip", "t");
  if (query.ids) qb.andWhere("p.tipId IN (:...ids)", { ids: query.ids.length ? query.ids : [0] });
  else {
    // The spec's default window: the last 90 days.
    qb.andWhere("t.reportedAt >= :start", { start: query.start ?? new Date(now.getTime() - 90 * 86_400_000) });
    if (query.end) qb.andWhere("t.reportedAt <= :end", { end: query.end });
  }
  if (query.serviceCode) qb.andWhere("p.categoryCode = :code", { code: query.serviceCode });
  if (query.status) qb.andWhere(query.status === "open" ? "t.state IN (:...s)" : "t.state NOT IN (:...s)", { s: ["received", "verifying"] });
  const rows = await qb.orderBy("t.reportedAt", "DESC").take(MAX_REQUESTS).getMany();
  const codes = [...new Set(rows.map((r) => r.categoryCode))];
  const names = new Map((codes.length ? await manager.find(TipCategory, { where: { code: In(codes) } }) : []).map((c) => [c.code, c.name]));
  return rows.map((p) => present(p, p.tip as Tip, names.get(p.categoryCode) ?? p.categoryCode, trusted));
}

function present(pub: PublicTip, tip: Tip, serviceName: string, trusted: boolean): Open311Request {
  const status = open311Status(tip.state);
  const visible = trusted || status === "closed";
  const prefix = `【${serviceName}】`;
  return {
    service_request_id: String(tip.id),
    status,
    status_notes: pub.publicFeedback,
    service_name: serviceName,
    service_code: pub.categoryCode,
    description: visible ? (tip.content.startsWith(prefix) ? tip.content.slice(prefix.length) : tip.content) : null,
    agency_responsible: AGENCY,
    service_notice: null,
    requested_datetime: tip.reportedAt.toISOString(),
    updated_datetime: tip.updatedAt.toISOString(),
    expected_datetime: status === "open" ? pub.verificationDueAt.toISOString() : null,
    address: visible ? tip.locationText : null,
    address_id: null,
    zipcode: null,
    lat: visible ? tip.latitude : null,
    long: visible ? tip.longitude : null,
    media_url: null,
  };
}
