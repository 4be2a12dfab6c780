import type { EntityManager } from "typeorm";
import { AuditEntry } from "../../db/entities";
import { LIKE_ESCAPE, likeContaining, likeStarting } from "../../db/like";
import { namesOf } from "../org/names";

export interface AuditFilter {
  q?: string;
  actor?: string;
  /** A prefix: `hazard.` finds every hazard action. */
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  page?: number;
  pageSize?: number;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Names of the people who appear as `person:<id>` actors. */
  actorNames: Map<number, string>;
  total: number;
  page: number;
  pageSize: number;
}

/** A page of the audit log, newest first. */
export async function listAudit(manager: EntityManager, filter: AuditFilter): Promise<AuditPage> {
  const page = Math.max(1, filter.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, filter.pageSize ?? 50));
  const q = manager.createQueryBuilder(AuditEntry, "a");
  if (filter.actor) q.andWhere("a.actor = :actor", { actor: filter.actor });
  if (filter.action) q.andWhere(`a.action LIKE :action ${LIKE_ESCAPE}`, { action: likeStarting(filter.action) });
  if (filter.entityType) q.andWhere("a.entity_type = :entityType", { entityType: filter.entityType });
  if (filter.entityId) q.andWhere("a.entity_id = :entityId", { entityId: filter.entityId });
  if (filter.from) q.andWhere("a.at >= :from", { from: filter.from });
  if (filter.to) q.andWhere("a.at < :to", { to: filter.to });
  if (filter.q) {
    const like = `LIKE :q ${LIKE_ESCAPE}`;
    q.andWhere(`(a.action ${like} OR a.entity_type ${like} OR a.entity_id ${like} OR a.actor ${like})`, { q: likeContaining(filter.q) });
  }
  const [items, total] = await q.orderBy("a.at", "DESC").addOrderBy("a.id", "DESC").skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
  const ids = items.map((a) => /^person:(\d+)$/.exec(a.actor)?.[1]).filter((x): x is string => x !== undefined).map(Number);
  return { items, actorNames: (await namesOf(manager, { people: ids })).people, total, page, pageSize };
}
