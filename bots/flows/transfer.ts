import { ASSIGNER_ROLES, holdsRole } from "../../src/domain/hazards/policy";
import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";
import { hazardFacts, newHazardOf, whenNotified } from "./hazardPicks";

/**
 * 转交 from the new-hazard notice: a hazard that is another office's, the squad's or a town's
 * business goes there; that unit's supervisor gets the notice card to 交办 it.
 */

interface Draft {
  hazardId?: number;
  version?: number;
  targets?: { unitId: number; name: string }[];
  unitId?: number;
}

const q = {
  unit: (targets: readonly { unitId: number; name: string }[]): Question => ({
    text: "请选择转交给哪个单位",
    choices: targets.map((t) => ({ key: `u${t.unitId}`, label: t.name })),
  }),
  reason: (unit: string): Question => ({ text: `转交给${unit}：请简要说明原因`, examples: "例如：属危险化学品经营单位，归危化科监管" }),
};

export const transferFlow: Flow = {
  name: "transfer",
  label: "转交",
  summary: "把不归本单位管的新隐患转交给相关科室、中队或镇街",
  keywords: ["转交"],
  inMenu: false,
  allowed: (person) => person.active && holdsRole(person, ASSIGNER_ROLES),

  async start(ctx, seed) {
    const hazard = await newHazardOf(ctx, seed, "转交");
    if (!hazard) return next.done();
    const targets = await ctx.services.hazardPicks.transferTargets(hazard);
    ctx.card({ title: `转交隐患 ${hazard.number}`, description: hazard.category, fields: await hazardFacts(ctx, hazard) });
    return next.ask(q.unit(targets), "unit", { hazardId: hazard.id, version: hazard.version, targets });
  },

  async reply(ctx, state, input) {
    const draft = state.data as Draft;
    if (state.step === "unit") return unit(state, draft, input);
    if (state.step === "reason") return transfer(ctx, state, draft, input);
    return next.done();
  },
};

function unit(state: FlowState, draft: Draft, input: FlowInput): Next {
  const targets = draft.targets ?? [];
  const picked = input.kind === "choice" ? targets.find((t) => `u${t.unitId}` === input.key) : undefined;
  if (!picked) return next.retry(q.unit(targets), state, "请回复单位前的序号");
  return next.ask(q.reason(picked.name), "reason", { ...draft, unitId: picked.unitId });
}

async function transfer(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  const reason = input.kind === "text" ? input.text.trim() : "";
  const name = draft.targets?.find((t) => t.unitId === draft.unitId)?.name ?? "该单位";
  if (reason.length < 2) return next.retry(q.reason(name), state, "请写明转交的原因");
  const hazard = await ctx.services.hazards.transfer(draft.hazardId!, ctx.person, { unitId: draft.unitId!, reason: reason.slice(0, 500), expectedVersion: draft.version, requestKey: `${ctx.requestKey}:transfer` });
  const supervisor = (await ctx.services.hazardPicks.nameOf(hazard.supervisorId)) ?? "该单位监管人员";
  const heldUntil = await whenNotified(ctx, hazard, "transfer");
  ctx.say(`隐患 ${hazard.number} 已转交${name}，${heldUntil ? `夜间免打扰，将于 ${heldUntil} 通知${supervisor}` : `已通知${supervisor}`}交办。`);
  return next.done();
}
