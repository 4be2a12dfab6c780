import { VERIFIER_ROLES, holdsRole } from "../../src/domain/hazards/policy";
import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";
import { closingFlow } from "./closing";
import { hazardFacts, hazardsToVerify, pickFromList, startOnHazard, whenNotified } from "./hazardPicks";
import { proofHeading } from "./proof";

/**
 * 复查: the verifier sees the hazard's before and after photos and the owner's note, then passes
 * it or sends it back with a reason (the hazard service tells the owner either way).
 */

interface Draft {
  hazardId?: number;
  version?: number;
}

const PASS = "pass";
const FAIL = "fail";

const q = {
  verdict: (): Question => ({ text: "复查结论", choices: [{ key: PASS, label: "复查通过" }, { key: FAIL, label: "不通过" }] }),
  reason: (): Question => ({ text: "请说明不通过的原因（将发给整改责任人）", examples: "例如：安全出口仍被货物遮挡" }),
};

export const verificationFlow: Flow = {
  name: "verification",
  label: "复查",
  summary: "核对整改前后照片，通过或退回",
  keywords: ["复查", "验收"],
  allowed: (person) => person.active && holdsRole(person, VERIFIER_ROLES),

  start: (ctx, seed) => startOnHazard(ctx, seed, hazardsToVerify, { none: "您当前没有待复查的隐患。", heading: "请选择要复查的隐患" }, chosen),

  async reply(ctx, state, input) {
    const draft = state.data as Draft;
    if (state.step === "pick") return pickFromList(ctx, state, input, chosen);
    if (state.step === "verdict") return verdict(ctx, state, draft, input);
    if (state.step === "reason") return reject(ctx, state, draft, input);
    return next.done();
  },
};

async function chosen(ctx: FlowContext, hazardId: number): Promise<Next> {
  const hazard = await ctx.services.hazardPicks.byId(hazardId);
  if (!hazard || hazard.state !== "submitted") {
    ctx.say("这条隐患当前不在待复查状态（可能已被他人复查）。");
    return next.done();
  }
  const { before, after } = await ctx.services.hazardPicks.photos(hazard.id);
  const note = await ctx.services.hazardPicks.rectifierNote(hazard.id);
  const fields = [...(await hazardFacts(ctx, hazard)), ...(note ? [{ label: "整改说明", value: note.slice(0, 120) }] : [])];
  ctx.card({ title: `复查隐患 ${hazard.number}`, description: hazard.category, fields });
  if (before.length > 0) ctx.say(`整改前照片 ${before.length} 张：`);
  for (const key of before) ctx.file(key);
  ctx.say(proofHeading(after));
  for (const key of after) ctx.file(key);
  return next.ask(q.verdict(), "verdict", { hazardId, version: hazard.version });
}

async function verdict(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  if (input.kind !== "choice") return next.retry(q.verdict(), state, "请选择复查通过或不通过");
  if (input.key === FAIL) return next.ask(q.reason(), "reason", { ...draft });
  const hazard = await ctx.services.hazards.verify(draft.hazardId!, ctx.person, { expectedVersion: draft.version, requestKey: `${ctx.requestKey}:verify` });
  const heldUntil = await whenNotified(ctx, hazard, "verify");
  ctx.say(`隐患 ${hazard.number} 复查通过，${heldUntil ? `夜间免打扰，将于 ${heldUntil} 通知` : "已通知"}整改责任人和监管人员。`);
  // Whoever may 销号 is asked at once; the rules (a leader's signature) are the closing flow's.
  return closingFlow.allowed(ctx.person) ? next.goto("closing", { hazardId: hazard.id }) : next.done();
}

async function reject(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  const reason = input.kind === "text" ? input.text.trim() : "";
  if (reason.length < 2) return next.retry(q.reason(), state, "请写明不通过的原因");
  const hazard = await ctx.services.hazards.reject(draft.hazardId!, ctx.person, { reason: reason.slice(0, 2000), expectedVersion: draft.version, requestKey: `${ctx.requestKey}:reject` });
  const heldUntil = await whenNotified(ctx, hazard, "reject");
  ctx.say(`已退回隐患 ${hazard.number} 重新整改，原因${heldUntil ? `将于 ${heldUntil} 发给整改责任人（夜间免打扰）` : "已发给整改责任人"}。`);
  return next.done();
}
