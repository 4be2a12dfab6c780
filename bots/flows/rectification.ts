import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";
import { hazardFacts, hazardsToFix, pickFromList, startOnHazard } from "./hazardPicks";
import { type ProofWords, proofQuestion, proofStep } from "./proof";

/**
 * 整改反馈: the responsible person picks one of their open hazards, sends after-photos and a note,
 * and it goes to 复查 (the hazard service notifies the verifier).
 */

interface Draft {
  hazardId?: number;
  number?: string;
  version?: number;
  photoKeys?: string[];
}

const PROOF: ProofWords = { ask: "请发送整改后的照片", atLeastOne: "整改反馈至少需要一张整改后的照片" };

const q = {
  note: (): Question => ({ text: "请简要说明整改情况", examples: "例如：已清理通道杂物，安全出口解锁并张贴警示" }),
};

export const rectificationFlow: Flow = {
  name: "rectification",
  label: "整改反馈",
  summary: "提交隐患整改后的照片和说明",
  keywords: ["整改反馈", "整改", "反馈"],
  documentSteps: ["photos"],
  allowed: (person) => person.active,

  start: (ctx, seed) => startOnHazard(ctx, seed, hazardsToFix, { none: "您当前没有待整改的隐患。", heading: "请选择要反馈的隐患" }, chosen),

  async reply(ctx, state, input) {
    const draft = state.data as Draft;
    if (state.step === "pick") return pickFromList(ctx, state, input, chosen);
    if (state.step === "photos") return photos(state, draft, input);
    if (state.step === "note") return submit(ctx, state, draft, input);
    return next.done();
  },
};

async function chosen(ctx: FlowContext, hazardId: number): Promise<Next> {
  const hazard = await ctx.services.hazardPicks.toRectifyById(hazardId, ctx.person.id);
  if (!hazard) {
    ctx.say("这条隐患当前不需要您整改（可能已提交或已被调整）。");
    return next.done();
  }
  ctx.card({ title: `整改隐患 ${hazard.number}`, description: hazard.category, fields: await hazardFacts(ctx, hazard) });
  // The place as the reporter saw it, so the owner knows what to put right and can shoot the same view.
  const { before } = await ctx.services.hazardPicks.photos(hazard.id);
  if (before.length > 0) ctx.say(`整改前照片 ${before.length} 张：`);
  for (const key of before) ctx.file(key);
  return next.ask(proofQuestion(PROOF, []), "photos", { hazardId, number: hazard.number, version: hazard.version, photoKeys: [] });
}

function photos(state: FlowState, draft: Draft, input: FlowInput): Next {
  return proofStep(PROOF, state, draft.photoKeys ?? [], input, (photoKeys) => next.ask(q.note(), "note", { ...draft, photoKeys }));
}

async function submit(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  const note = input.kind === "text" ? input.text.trim() : "";
  if (note.length < 2) return next.retry(q.note(), state, "请用一句话说明整改情况");
  const { hazards } = ctx.services;
  let version = draft.version;
  const current = await ctx.services.hazardPicks.byId(draft.hazardId!);
  // 已交办 → 整改中 is implied by sending the rectification; both steps stay in the ledger.
  if (current?.state === "assigned") version = (await hazards.startRectifying(current.id, ctx.person, { expectedVersion: version, requestKey: `${ctx.requestKey}:start` })).version;
  const hazard = await hazards.submitRectification(draft.hazardId!, ctx.person, { note: note.slice(0, 2000), photoKeys: draft.photoKeys ?? [], expectedVersion: version, requestKey: `${ctx.requestKey}:submit` });
  ctx.say(`隐患 ${hazard.number} 的整改反馈已提交，等待复查。复查结果会在这里通知您。`);
  return next.done();
}
