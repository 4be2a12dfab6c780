import { formatLocal } from "../../src/clock";
import { ASSIGNER_ROLES } from "../../src/domain/hazards/policy";
import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";
import { hazardFacts, LIST_LIMIT, newHazardOf, pickFromList, startOnHazard, whenNotified } from "./hazardPicks";

/**
 * 交办 in chat: the supervisor of a new hazard confirms the 责任人 (pre-filled from the
 * enterprise's 三个责任人 by routing), writes the measures and picks a deadline; a 重大隐患 also
 * needs 资金 and 预案 (五落实). The hazard service tells the owner.
 */

interface Draft {
  hazardId?: number;
  version?: number;
  major?: boolean;
  measures?: string;
  days?: number;
  funds?: string;
}

const DAY_MS = 86_400_000;
const DEADLINE_DAYS = [3, 7, 15, 30] as const;

const q = {
  measures: (owner: string | null): Question => ({
    text: `整改责任人：${owner ?? "（未指定，交办后由所属单位负责）"}\n请填写整改措施`,
    examples: "例如：立即清理消防通道，三日内更换锈蚀阀门",
  }),
  // Each choice says the day it ends on, so nobody counts on their fingers.
  deadline: (now: Date): Question => ({ text: "请选择整改期限", choices: DEADLINE_DAYS.map((d) => ({ key: `d${d}`, label: `${d} 天`, detail: `至 ${monthDay(new Date(now.getTime() + d * DAY_MS))}` })) }),
  funds: (): Question => ({ text: "重大隐患须“五落实”：请填写整改资金安排", examples: "例如：企业自筹 5 万元" }),
  plan: (): Question => ({ text: "请填写应急预案（整改期间的防范措施）", examples: "例如：停用该区域，设置警戒，专人值守" }),
};

export const assignmentFlow: Flow = {
  name: "assignment",
  label: "交办",
  summary: "为新上报的隐患确定责任人、整改措施和期限",
  keywords: ["交办", "待交办"],
  allowed: (person) => person.active && person.roles.some((r) => ASSIGNER_ROLES.includes(r)),

  async start(ctx, seed) {
    // From a notice card: only while that card is the hazard's latest word.
    if (typeof seed?.cardVersion === "number") return (await newHazardOf(ctx, seed, "交办")) ? chosen(ctx, seed.hazardId as number) : next.done();
    return startOnHazard(ctx, seed, (c) => c.services.hazardPicks.toAssign(c.person.id, LIST_LIMIT), { none: "您当前没有待交办的隐患。", heading: "请选择要交办的隐患" }, chosen);
  },

  async reply(ctx, state, input) {
    const draft = state.data as Draft;
    if (state.step === "pick") return pickFromList(ctx, state, input, chosen);
    if (state.step === "measures") return measures(ctx, state, draft, input);
    if (state.step === "deadline") return deadline(ctx, state, draft, input);
    if (state.step === "funds") return funds(state, draft, input);
    if (state.step === "plan") return plan(ctx, state, draft, input);
    return next.done();
  },
};

async function chosen(ctx: FlowContext, hazardId: number): Promise<Next> {
  const hazard = await ctx.services.hazardPicks.byId(hazardId);
  if (!hazard || hazard.state !== "reported") {
    ctx.say("这条隐患当前不需要交办（可能已被他人交办）。");
    return next.done();
  }
  ctx.card({ title: `交办隐患 ${hazard.number}`, description: hazard.category, fields: await hazardFacts(ctx, hazard) });
  const owner = await ctx.services.hazardPicks.nameOf(hazard.ownerId);
  return next.ask(q.measures(owner), "measures", { hazardId, version: hazard.version, major: hazard.level === "major" });
}

function measures(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Next {
  const text = input.kind === "text" ? input.text.trim() : "";
  if (text.length < 2) return next.retry(q.measures(null), state, "请用一句话写明整改措施");
  return next.ask(q.deadline(ctx.now), "deadline", { ...draft, measures: text.slice(0, 2000) });
}

async function deadline(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  const days = input.kind === "choice" ? Number(input.key.slice(1)) : NaN;
  if (!DEADLINE_DAYS.includes(days as (typeof DEADLINE_DAYS)[number])) return next.retry(q.deadline(ctx.now), state, "请选择 3、7、15 或 30 天");
  if (draft.major) return next.ask(q.funds(), "funds", { ...draft, days });
  return assign(ctx, { ...draft, days }, null);
}

function funds(state: FlowState, draft: Draft, input: FlowInput): Next {
  const text = input.kind === "text" ? input.text.trim() : "";
  if (text.length < 2) return next.retry(q.funds(), state, "请写明整改资金安排");
  return next.ask(q.plan(), "plan", { ...draft, funds: text.slice(0, 2000) });
}

function plan(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> | Next {
  const text = input.kind === "text" ? input.text.trim() : "";
  if (text.length < 2) return next.retry(q.plan(), state, "请写明应急预案");
  return assign(ctx, draft, text.slice(0, 2000));
}

/** `12月3日` in Shanghai. */
function monthDay(at: Date): string {
  const [, month, day] = formatLocal(at).slice(0, 10).split("-");
  return `${Number(month)}月${Number(day)}日`;
}

async function assign(ctx: FlowContext, draft: Draft, contingencyPlan: string | null): Promise<Next> {
  const deadlineAt = new Date(ctx.services.clock.now().getTime() + (draft.days ?? 7) * DAY_MS);
  const hazard = await ctx.services.hazards.assign(draft.hazardId!, ctx.person, {
    measures: draft.measures ?? null,
    deadline: deadlineAt,
    ...(draft.funds ? { funds: draft.funds } : {}),
    ...(contingencyPlan ? { contingencyPlan } : {}),
    expectedVersion: draft.version,
    requestKey: `${ctx.requestKey}:assign`,
  });
  const owner = (await ctx.services.hazardPicks.nameOf(hazard.ownerId)) ?? "整改责任人";
  const heldUntil = await whenNotified(ctx, hazard, "assign");
  ctx.say(`隐患 ${hazard.number} 已交办，整改期限 ${formatLocal(deadlineAt).slice(0, 10)}。${heldUntil ? `夜间免打扰，将于 ${heldUntil} 通知${owner}` : `已通知${owner}`}。`);
  return next.done();
}
