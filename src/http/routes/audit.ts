import Router from "@koa/router";
import type { Database } from "../../db/Database";
import { listAudit } from "../../domain/audit/listAudit";
import { iso, page } from "../presenters/present";
import { parseInput } from "../validate";
import { AuditQuery } from "./audit.schema";

const parsed = (s: string | null): unknown => {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

/** 审计日志: who did what, searchable (administrators; the access table says so). */
export function auditRoutes(deps: { db: Database }): Router {
  const router = new Router({ prefix: "/api/audit" });
  router.get("/", async (ctx) => {
    const q = parseInput(AuditQuery, ctx.query);
    const result = await listAudit(deps.db.manager, q);
    ctx.body = page(result, (a) => {
      const personId = /^person:(\d+)$/.exec(a.actor)?.[1];
      return {
        id: a.id,
        at: iso(a.at),
        actor: { code: a.actor, name: personId ? (result.actorNames.get(Number(personId)) ?? null) : null },
        action: a.action,
        entityType: a.entityType,
        entityId: a.entityId,
        before: parsed(a.before),
        after: parsed(a.after),
        requestId: a.requestId,
      };
    });
  });
  return router;
}
