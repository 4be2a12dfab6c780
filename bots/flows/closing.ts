import { ASSIGNER_ROLES, LEADER_ROLES, holdsRole } from "../../src/domain/hazards/policy";
import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";
import { hazardFacts, LIST_LIMIT, pickFromList, startOnHazard, whenNotified } from "./hazardPicks";

/**
 * 销号 in chat, once 复查 passed: the supervisor closes a general hazard; a 重大隐患 needs a
 * leader's signature first, so a leader signs and closes in one answer and others are told who must.
 */

interface Draft {
  hazardId?: number;
  version?: number;
  sign?: boolean;
}

const CLOSE = "close";
const LATER = "later";

const q = {
  confirm: (sign: boolean): Question => ({
    text: sign ? "重大隐患须经领导签字后销号：是否签字并销号？" : "复查已通过，是否销号？",
    choices: [{ key: CLOSE, label: sign ? "签字并销号" : "销号" }, { key: LATER, label: "暂不" }],
  }),
};

export const isLeader = (p: Parameters<typeof holdsRole>[0]) => holdsRole(p, LEADER_ROLES);

export const closingFlow: Flow = {
  name: "closing",
  label: "销号",
  summary: "复查通过的隐患确认销号",
  keywords: ["销号"],
  inMenu: false,
  allowed: (person) => person.active && holdsRole(person, ASSIGNER_ROLES),

  start: (ctx, seed) =>
    startOnHazard(ctx, seed, (c) => c.services.hazardPicks.toClose(c.person.id, isLeader(c.person), LIST_LIMIT), { none: "您当前没有待销号的隐患。", heading: "请选择要销号的隐患" }, chosen),

  async reply(ctx, state, input) {
    if (state.step === "pick") return pickFromList(ctx, state, input, chosen);
    if (state.step === "confirm") return confirm(ctx, state, state.data as Draft, input);
    return next.done();
  },
};

async function chosen(ctx: FlowContext, hazardId: number): Promise<Next> {
  const hazard = await ctx.services.hazardPicks.byId(hazardId);
  if (!hazard || hazard.state !== "verified") {
    ctx.say("这条隐患当前不在待销号状态（可能已销号或已重新打开）。");
    return next.done();
  }
  const sign = hazard.level === "major" && hazard.leaderSignoffBy === null;
  if (sign && !isLeader(ctx.person)) {
    ctx.say(`隐患 ${hazard.number} 复查已通过。重大隐患须经分管负责人或主要负责人签字后销号，已列入其「我的待办」。`);
    return next.done();
  }
  ctx.card({ title: `销号 ${hazard.number}`, description: hazard.category, fields: await hazardFacts(ctx, hazard) });
  return next.ask(q.confirm(sign), "confirm", { hazardId, version: hazard.version, sign });
}

async function confirm(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  if (input.kind !== "choice") return next.retry(q.confirm(Boolean(draft.sign)), state, "请点「销号」或「暂不」");
  if (input.key === LATER) {
    ctx.say("好的，暂不销号。需要时回复「待办」继续办理。");
    return next.done();
  }
  const { hazards } = ctx.services;
  let version = draft.version;
  if (draft.sign) version = (await hazards.signOff(draft.hazardId!, ctx.person, { expectedVersion: version, requestKey: `${ctx.requestKey}:signoff` })).version;
  const hazard = await hazards.close(draft.hazardId!, ctx.person, { expectedVersion: version, requestKey: `${ctx.requestKey}:close` });
  const heldUntil = await whenNotified(ctx, hazard, "close");
  ctx.say(`隐患 ${hazard.number} 已销号，${heldUntil ? `夜间免打扰，将于 ${heldUntil} 通知` : "已通知"}整改责任人和监管人员。`);
  return next.done();
}
