import Router from "@koa/router";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OrgUnit } from "../../db/entities";
import { createUnit, updateUnit } from "../../domain/directory/editUnits";
import { unitKinds } from "../../domain/org/vocabulary";
import { actor } from "../actor";
import { one } from "../presenters/present";
import { parseInput } from "../validate";
import { IdParam, UnitCreate, UnitPatch } from "./directory.schema";
import { UnitsQuery } from "./units.schema";

interface UnitNode {
  id: number;
  code: string;
  name: string;
  kind: { code: string; label: string };
  parentId: number | null;
  children: UnitNode[];
}

/**
 * 单位: the organisation tree within the caller's data scope (codes and names, for pickers and
 * for the 叫应 rules), as a tree or, with `?flat=true`, a list in tree order.
 */
export function unitRoutes(deps: { db: Database; clock: Clock }): Router {
  const router = new Router({ prefix: "/api/units" });
  router.get("/", async (ctx) => {
    const q = parseInput(UnitsQuery, ctx.query);
    const scope = ctx.state.access?.scope;
    const all = await deps.db.manager.find(OrgUnit, { order: { path: "ASC", id: "ASC" } });
    // 仅本人 still shows the person's own unit: it names where they are.
    const visible = !scope || scope.unitIds === null ? all : all.filter((u) => (scope.code === "self" ? u.id === actor(ctx).unitId : scope.unitIds?.has(u.id)));
    const nodes = new Map<number, UnitNode>(
      visible.map((u) => [u.id, { id: u.id, code: u.code, name: u.name, kind: unitKinds.isCode(u.kind) ? unitKinds.present(u.kind) : { code: u.kind, label: u.kind }, parentId: u.parentId, children: [] }]),
    );
    const roots: UnitNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    if (q.flat === "true") {
      const flat: Omit<UnitNode, "children">[] = [];
      const walk = (n: UnitNode) => {
        const { children, ...rest } = n;
        flat.push(rest);
        children.forEach(walk);
      };
      roots.forEach(walk);
      ctx.body = one(flat);
      return;
    }
    ctx.body = one(roots);
  });

  // Adding and editing units: the gate keeps both the unit and its (new) parent inside the scope.
  const present = (u: OrgUnit) => ({ id: u.id, code: u.code, name: u.name, kind: unitKinds.isCode(u.kind) ? unitKinds.present(u.kind) : { code: u.kind, label: u.kind }, parentId: u.parentId });
  router.post("/", async (ctx) => {
    const unit = await createUnit(deps.db, deps.clock, `person:${actor(ctx).id}`, parseInput(UnitCreate, ctx.request.body ?? {}));
    ctx.status = 201;
    ctx.body = one(present(unit));
  });
  router.patch("/:id", async (ctx) => {
    const unit = await updateUnit(deps.db, deps.clock, `person:${actor(ctx).id}`, parseInput(IdParam, ctx.params.id), parseInput(UnitPatch, ctx.request.body ?? {}));
    ctx.body = one(present(unit));
  });
  return router;
}
