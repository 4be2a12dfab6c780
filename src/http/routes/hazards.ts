import Router from "@koa/router";
import type { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Hazard, Person } from "../../db/entities";
import { ACTION_ROLES, type HazardAction, type HazardService } from "../../domain/hazards";
import { actor } from "../actor";
import { scopeNarrowing } from "../scope";
import { authenticate, requireRole } from "../middleware/auth";
import { presentHazardDetail, presentHazardPage } from "../presenters/presentHazard";
import { one } from "../presenters/present";
import * as T from "./hazards.schema";

/** What the hazard API needs. */
export interface HazardRouteDeps {
  db: Database;
  clock: Clock;
  hazards: HazardService;
}

type Verb<S extends z.ZodType> = (s: HazardService, id: number, actor: Person, body: z.output<S>) => Promise<Hazard>;

/** One transition route: its path segment, the action whose roles it needs, its body and its verb. */
const transition = <S extends z.ZodType>(path: string, action: HazardAction, schema: S, run: Verb<S>) => ({ path, action, schema, run: run as Verb<z.ZodType> });

const v = (b: { version?: number }) => ({ expectedVersion: b.version });

export const TRANSITIONS = [
  transition("assign", "assign", T.AssignBody, (s, id, p, b) => s.assign(id, p, { ...b, ...v(b) })),
  transition("start", "start", T.VersionBody, (s, id, p, b) => s.startRectifying(id, p, v(b))),
  transition("submit", "submit", T.PhotoNoteBody, (s, id, p, b) => s.submitRectification(id, p, { ...b, ...v(b) })),
  transition("verify", "verify", T.VerifyBody, (s, id, p, b) => s.verify(id, p, { note: b.note ?? undefined, ...v(b) })),
  transition("reject", "reject", T.ReasonBody, (s, id, p, b) => s.reject(id, p, { ...b, ...v(b) })),
  transition("close", "close", T.VersionBody, (s, id, p, b) => s.close(id, p, v(b))),
  transition("signoff", "signoff", T.VersionBody, (s, id, p, b) => s.signOff(id, p, v(b))),
  transition("fix-on-spot", "fix_on_spot", T.PhotoNoteBody, (s, id, p, b) => s.fixOnSpot(id, p, { ...b, ...v(b) })),
  transition("reopen", "reopen", T.ReasonBody, (s, id, p, b) => s.reopen(id, p, { ...b, ...v(b) })),
  transition("extend", "extend", T.ExtendBody, (s, id, p, b) => s.extendDeadline(id, p, { ...b, ...v(b) })),
  transition("transfer", "transfer", T.TransferBody, (s, id, p, b) => s.transfer(id, p, { ...b, ...v(b) })),
];

/** The admin API for hazards: list, detail, report and every lifecycle transition, each role-checked. */
export function hazardRoutes(deps: HazardRouteDeps): Router {
  const router = new Router({ prefix: "/api/hazards" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });

  router.get("/", auth, async (ctx) => {
    const q = T.parseInput(T.ListQuery, ctx.query);
    ctx.body = presentHazardPage(await deps.hazards.list(actor(ctx), { ...q, states: q.state, ...scopeNarrowing(ctx) }));
  });

  router.get("/:id", auth, async (ctx) => {
    const id = T.parseInput(T.IdParam, ctx.params.id);
    ctx.body = one(presentHazardDetail(await deps.hazards.detail(actor(ctx), id)));
  });

  router.post("/", auth, requireRole(...ACTION_ROLES.report), async (ctx) => {
    const body = T.parseInput(T.ReportBody, ctx.request.body);
    const hazard = await deps.hazards.report(actor(ctx), body);
    ctx.status = 201;
    ctx.body = one(presentHazardDetail(await deps.hazards.detail(actor(ctx), hazard.id)));
  });

  for (const t of TRANSITIONS) {
    router.post(`/:id/${t.path}`, auth, requireRole(...ACTION_ROLES[t.action]), async (ctx) => {
      const id = T.parseInput(T.IdParam, ctx.params.id);
      const body = T.parseInput(t.schema, ctx.request.body ?? {});
      const hazard = await t.run(deps.hazards, id, actor(ctx), body);
      ctx.body = one(presentHazardDetail(await deps.hazards.detail(actor(ctx), hazard.id)));
    });
  }
  return router;
}
