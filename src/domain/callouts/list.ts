import type { EntityManager } from "typeorm";
import { Callout, CalloutRecipient } from "../../db/entities";
import { namesOf } from "../org/names";
import type { CalloutState } from "./vocabulary";

/** What the campaign list can be narrowed by. */
export interface CalloutFilter {
  /** Only campaigns whose initiator belongs to one of these units (the viewer's data scope); empty matches none. */
  withinUnits?: readonly number[];
  /** Only campaigns this person started (仅本人). */
  initiatorId?: number;
  state?: CalloutState;
  page?: number;
  pageSize?: number;
}

/** A campaign in the list: itself, its initiator's name, and how many of those called have answered. */
export interface CalloutListRow {
  callout: Callout;
  initiator: string | null;
  total: number;
  answered: number;
}

/** A page of campaigns, newest first, with their answer counts (one grouped query for the page). */
export async function listCallouts(manager: EntityManager, filter: CalloutFilter): Promise<{ items: CalloutListRow[]; total: number; page: number; pageSize: number }> {
  const page = Math.max(1, filter.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, filter.pageSize ?? 20));
  const q = manager.createQueryBuilder(Callout, "c");
  if (filter.withinUnits) {
    if (filter.withinUnits.length) q.andWhere("c.initiator_id IN (SELECT p.id FROM people p WHERE p.unit_id IN (:...within))", { within: [...filter.withinUnits] });
    else q.andWhere("1 = 0");
  }
  if (filter.initiatorId !== undefined) q.andWhere("c.initiator_id = :me", { me: filter.initiatorId });
  if (filter.state) q.andWhere("c.state = :state", { state: filter.state });
  const [callouts, total] = await q.orderBy("c.created_at", "DESC").addOrderBy("c.id", "DESC").skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
  const ids = callouts.map((c) => c.id);
  const counts = ids.length
    ? await manager
        .createQueryBuilder(CalloutRecipient, "r")
        .select("r.callout_id", "id")
        .addSelect("COUNT(*)", "total")
        .addSelect("SUM(CASE WHEN r.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END)", "answered")
        .where("r.callout_id IN (:...ids)", { ids })
        .groupBy("r.callout_id")
        .getRawMany<{ id: number; total: string | number; answered: string | number | null }>()
    : [];
  const names = await namesOf(manager, { people: callouts.map((c) => c.initiatorId) });
  const items = callouts.map((callout) => {
    const row = counts.find((r) => Number(r.id) === callout.id);
    return { callout, initiator: names.people.get(callout.initiatorId) ?? null, total: Number(row?.total ?? 0), answered: Number(row?.answered ?? 0) };
  });
  return { items, total, page, pageSize };
}
