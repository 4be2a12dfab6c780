import Router from "@koa/router";
import type { z } from "zod";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Person, Tip } from "../../db/entities";
import { TIP_OFFICER, type TipService } from "../../domain/tips";
import { actor } from "../actor";
import { authenticate, requireRole } from "../middleware/auth";
import { presentReveal, presentTipDetail, presentTipPage } from "../presenters/presentTip";
import { one } from "../presenters/present";
import * as T from "./tips.schema";

/** What the tip API needs. */
export interface TipRouteDeps {
  db: Database;
  clock: Clock;
  tips: TipService;
}

type Verb<S extends z.ZodType> = (s: TipService, id: number, actor: Person, body: z.output<S>) => Promise<Tip>;

/** One transition route: its path, whether only tip officers may call it, its body and its verb. */
const transition = <S extends z.ZodType>(path: string, officersOnly: boolean, schema: S, run: Verb<S>) => ({ path, officersOnly, schema, run: run as Verb<z.ZodType> });

const v = (b: { version?: number }) => ({ expectedVersion: b.version });

export const TRANSITIONS = [
  transition("accept", true, T.AcceptBody, (s, id, p, b) => s.accept(id, p, { ...b, ...v(b) })),
  transition("assign", true, T.AssignBody, (s, id, p, b) => s.assign(id, p, { ...b, ...v(b) })),
  // The handler closes their own tip too; the service checks which tip is theirs.
  transition("close", false, T.CloseBody, (s, id, p, b) => s.close(id, p, { ...b, ...v(b) })),
  transition("reject", true, T.RejectBody, (s, id, p, b) => s.reject(id, p, { ...b, ...v(b) })),
  transition("reward", true, T.RewardBody, (s, id, p, b) => s.reward(id, p, { ...b, ...v(b) })),
  // The service checks the approver's role (a leader, not a tip officer).
  transition("reward-approve", false, T.VersionBody, (s, id, p, b) => s.approveReward(id, p, v(b))),
  transition("unit", true, T.UnitBody, (s, id, p, b) => s.routeToUnit(id, p, { unitId: b.unitId, ...v(b) })),
  transition("reward-paid", true, T.RewardPaidBody, (s, id, p, b) => s.markRewardPaid(id, p, { reference: b.reference, ...v(b) })),
];

/**
 * The admin API for tips: tip officers see and handle every tip, a handler sees the tips they
 * verify; the tipster appears only as a pseudonym, except through the audited reveal.
 */
export function tipRoutes(deps: TipRouteDeps): Router {
  const router = new Router({ prefix: "/api/tips" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });

  router.get("/", auth, async (ctx) => {
    const q = T.parseInput(T.ListQuery, ctx.query);
    ctx.body = presentTipPage(await deps.tips.list(actor(ctx), { ...q, states: q.state }));
  });

  router.get("/:id", auth, async (ctx) => {
    const id = T.parseInput(T.IdParam, ctx.params.id);
    ctx.body = one(presentTipDetail(await deps.tips.detail(actor(ctx), id)));
  });

  // No role gate in front: the service refuses anyone but a tip officer and audits the attempt.
  router.post("/:id/reveal", auth, async (ctx) => {
    const id = T.parseInput(T.IdParam, ctx.params.id);
    const body = T.parseInput(T.RevealBody, ctx.request.body ?? {});
    const revealed = await deps.tips.revealReporter(id, actor(ctx), { reason: body.reason ?? "", requestId: ctx.state.requestId as string | undefined });
    ctx.set("Cache-Control", "no-store");
    ctx.body = one(presentReveal(revealed));
  });

  // The handler writes it too; the service checks which tip is theirs.
  router.post("/:id/feedback", auth, async (ctx) => {
    const id = T.parseInput(T.IdParam, ctx.params.id);
    const body = T.parseInput(T.FeedbackBody, ctx.request.body ?? {});
    await deps.tips.writeFeedback(id, actor(ctx), body.text);
    ctx.body = one(presentTipDetail(await deps.tips.detail(actor(ctx), id)));
  });

  for (const t of TRANSITIONS) {
    const gate = t.officersOnly ? [requireRole(TIP_OFFICER)] : [];
    router.post(`/:id/${t.path}`, auth, ...gate, async (ctx) => {
      const id = T.parseInput(T.IdParam, ctx.params.id);
      const body = T.parseInput(t.schema, ctx.request.body ?? {});
      const tip = await t.run(deps.tips, id, actor(ctx), body);
      ctx.body = one(presentTipDetail(await deps.tips.detail(actor(ctx), tip.id)));
    });
  }
  return router;
}
