import { STAFF_ROLES, holdsRole } from "../../src/domain/hazards/policy";
import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";
import { hazardFacts, newHazardOf, whenNotified } from "./hazardPicks";
import { type ProofWords, proofQuestion, proofStep } from "./proof";

/**
 * 即知即改 from the new-hazard notice: the problem was put right while someone stood there; proof
 * photos and a line on what was done close it in one step (the hazard service tells owner and supervisor).
 */

interface Draft {
  hazardId?: number;
  version?: number;
  photoKeys?: string[];
}

const PROOF: ProofWords = { ask: "请发送现场整改后的照片", atLeastOne: "即知即改至少需要一张整改后的照片" };

const q = {
  note: (): Question => ({ text: "请简要说明现场是怎样整改的", examples: "例如：已当场清理消防通道杂物" }),
};

export const fixOnSpotFlow: Flow = {
  name: "fix_on_spot",
  label: "即知即改",
  summary: "现场已整改的隐患，上传照片后直接销号",
  keywords: ["即知即改"],
  // Reached from a hazard's notice card; the menu keeps to the everyday items.
  inMenu: false,
  documentSteps: ["photos"],
  allowed: (person) => person.active && holdsRole(person, STAFF_ROLES),

  async start(ctx, seed) {
    const hazard = await newHazardOf(ctx, seed, "即知即改");
    if (!hazard) return next.done();
    ctx.card({ title: `即知即改 ${hazard.number}`, description: hazard.category, fields: await hazardFacts(ctx, hazard) });
    return next.ask(proofQuestion(PROOF, []), "photos", { hazardId: hazard.id, version: hazard.version, photoKeys: [] });
  },

  async reply(ctx, state, input) {
    const draft = state.data as Draft;
    if (state.step === "photos") return photos(state, draft, input);
    if (state.step === "note") return close(ctx, state, draft, input);
    return next.done();
  },
};

function photos(state: FlowState, draft: Draft, input: FlowInput): Next {
  return proofStep(PROOF, state, draft.photoKeys ?? [], input, (photoKeys) => next.ask(q.note(), "note", { ...draft, photoKeys }));
}

async function close(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  const note = input.kind === "text" ? input.text.trim() : "";
  if (note.length < 2) return next.retry(q.note(), state, "请用一句话说明现场整改情况");
  const hazard = await ctx.services.hazards.fixOnSpot(draft.hazardId!, ctx.person, { note: note.slice(0, 2000), photoKeys: draft.photoKeys ?? [], expectedVersion: draft.version, requestKey: `${ctx.requestKey}:fix` });
  const heldUntil = await whenNotified(ctx, hazard, "fix_on_spot");
  ctx.say(`隐患 ${hazard.number} 已即知即改并销号，${heldUntil ? `夜间免打扰，将于 ${heldUntil} 通知` : "已通知"}整改责任人和监管人员。`);
  return next.done();
}
