import { formatLocal } from "../../src/clock";
import { type Choice, type Flow, type FlowContext, next, type Next, type Question } from "../flow";
import { assignmentFlow } from "./assignment";
import { closingFlow, isLeader } from "./closing";
import { hazardLines, hazardsToFix, hazardsToVerify, LIST_LIMIT } from "./hazardPicks";

/**
 * 我的待办: everything waiting on this person, oldest first — 叫应 to answer, hazards to rectify,
 * hazards to 复查 — each one a number away from being done.
 */

interface Item {
  key: string;
  line: string;
  /** Oldest first across kinds. */
  since: number;
}

export const todoFlow: Flow = {
  name: "todo",
  label: "我的待办",
  summary: "查看并办理等您处理的事项",
  keywords: ["待办", "我的待办", "任务"],
  allowed: (person) => person.active,

  async start(ctx) {
    const items = [...(await calloutItems(ctx)), ...(await assignItems(ctx)), ...(await fixItems(ctx)), ...(await verifyItems(ctx)), ...(await closeItems(ctx))].sort((a, b) => a.since - b.since);
    if (items.length === 0) {
      ctx.say("您当前没有待办事项。");
      return next.done();
    }
    return next.ask(question(items), "pick", { items: items.map(({ key, line }) => ({ key, line })) });
  },

  async reply(ctx, state, input) {
    const items = (state.data.items ?? []) as Item[];
    const picked = input.kind === "choice" ? items.find((i) => i.key === input.key) : undefined;
    if (!picked) return next.retry(question(items), state, "请回复待办事项的序号");
    return act(ctx, picked.key);
  },
};

function question(items: Pick<Item, "key" | "line">[]): Question {
  const choices: Choice[] = items.map((i, n) => ({ key: i.key, label: `第 ${n + 1} 项` }));
  return { text: [`您有 ${items.length} 项待办（最早的在前）`, ...items.map((i, n) => `${n + 1}. ${i.line}`)].join("\n"), choices };
}

async function act(ctx: FlowContext, key: string): Promise<Next> {
  const [kind, id] = [key.split(":")[0], Number(key.split(":")[1])];
  if (kind === "assign") return next.goto("assignment", { hazardId: id });
  if (kind === "fix") return next.goto("rectification", { hazardId: id });
  if (kind === "verify") return next.goto("verification", { hazardId: id });
  if (kind === "close") return next.goto("closing", { hazardId: id });
  // A 叫应 is answered the way the card says: 收到, or 已落实 with the measures taken.
  const callout = await ctx.services.owedCallouts.text(id);
  ctx.say(callout ? `【叫应】${callout.title}\n${callout.text}\n\n请直接回复「收到」确认${callout.requiresReport ? "；措施落实后回复「已落实 + 采取的措施」" : ""}。` : "这条叫应已结束。");
  return next.done();
}

async function calloutItems(ctx: FlowContext): Promise<Item[]> {
  const owed = await ctx.services.owedCallouts.of(ctx.person.id);
  return owed.map((c) => {
    const what = c.awaitingReport ? "待报告落实措施" : "待回复收到";
    return { key: `callout:${c.calloutId}`, line: `【叫应】${c.title}（${what}，${formatLocal(c.since)}发出）`, since: c.since.getTime() };
  });
}

/** New hazards routed to the person for 交办, for those who may 交办. */
async function assignItems(ctx: FlowContext): Promise<Item[]> {
  if (!assignmentFlow.allowed(ctx.person)) return [];
  const hazards = await ctx.services.hazardPicks.toAssign(ctx.person.id, LIST_LIMIT);
  const lines = await hazardLines(ctx, hazards);
  return hazards.map((h, i) => ({ key: `assign:${h.id}`, line: `【待交办】${lines[i]}`, since: h.reportedAt.getTime() }));
}

async function fixItems(ctx: FlowContext): Promise<Item[]> {
  const hazards = await hazardsToFix(ctx);
  const lines = await hazardLines(ctx, hazards);
  return hazards.map((h, i) => ({ key: `fix:${h.id}`, line: `【待整改】${lines[i]}`, since: h.reportedAt.getTime() }));
}

async function verifyItems(ctx: FlowContext): Promise<Item[]> {
  const hazards = await hazardsToVerify(ctx);
  const lines = await hazardLines(ctx, hazards);
  return hazards.map((h, i) => ({ key: `verify:${h.id}`, line: `【待复查】${lines[i]}`, since: h.updatedAt.getTime() }));
}

/** Verified hazards to 销号 (or, for a leader, a 重大隐患 to sign), for those who may. */
async function closeItems(ctx: FlowContext): Promise<Item[]> {
  if (!closingFlow.allowed(ctx.person)) return [];
  const hazards = await ctx.services.hazardPicks.toClose(ctx.person.id, isLeader(ctx.person), LIST_LIMIT);
  const lines = await hazardLines(ctx, hazards);
  return hazards.map((h, i) => ({ key: `close:${h.id}`, line: `【${h.level === "major" && h.leaderSignoffBy === null ? "待签字销号" : "待销号"}】${lines[i]}`, since: h.updatedAt.getTime() }));
}
