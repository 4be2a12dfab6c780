import { formatLocal } from "../../src/clock";
import type { Hazard } from "../../src/db/entities";
import { hazardLevelLabels, hazardStateLabels } from "../../src/domain/hazards";
import { type Choice, type FlowContext, type FlowInput, type FlowState, next, type Next } from "../flow";

/** Most hazards one list shows; the rest wait for the next round (oldest first). */
export const LIST_LIMIT = 9;

/** Hazards waiting on the person to rectify them, oldest deadline first. */
export function hazardsToFix(ctx: FlowContext): Promise<Hazard[]> {
  return ctx.services.hazardPicks.toRectify(ctx.person.id, LIST_LIMIT);
}

/** Hazards waiting on the person's 复查 (the domain says whose that is), longest waiting first. */
export function hazardsToVerify(ctx: FlowContext): Promise<Hazard[]> {
  return ctx.services.hazardPicks.toVerify(ctx.person.id, LIST_LIMIT);
}

/** `2026-000123 消防安全 · 青禾化工（期限 12月1日）`: enough to tell hazards apart on a phone. */
export async function hazardLines(ctx: FlowContext, hazards: readonly Hazard[]): Promise<string[]> {
  const places = await ctx.services.hazardPicks.placesOf(hazards);
  return hazards.map((h) => {
    const where = places.get(h.id) ?? "";
    const due = h.deadline ? `，期限 ${formatLocal(h.deadline).slice(0, 10)}` : "";
    return `${h.number} ${h.category} · ${where}（${hazardStateLabels[h.state]}${due}）`;
  });
}

export function hazardChoices(hazards: readonly Hazard[]): Choice[] {
  return hazards.map((h) => ({ key: `h${h.id}`, label: h.number }));
}

/** The hazard a choice names, among those offered. */
export function pickedHazardId(key: string, offered: readonly number[]): number | undefined {
  const id = Number(key.replace(/^h/, ""));
  return offered.includes(id) ? id : undefined;
}

/** The facts someone needs before acting on a hazard. */
export async function hazardFacts(ctx: FlowContext, h: Hazard): Promise<{ label: string; value: string }[]> {
  const places = await ctx.services.hazardPicks.placesOf([h]);
  return [
    { label: "地点", value: places.get(h.id) ?? "" },
    { label: "等级", value: hazardLevelLabels[h.level] },
    { label: "问题", value: h.description.slice(0, 60) },
    ...(h.measures ? [{ label: "措施", value: h.measures.slice(0, 60) }] : []),
    ...(h.deadline ? [{ label: "期限", value: formatLocal(h.deadline).slice(0, 10) }] : []),
  ];
}

/** How a flow that acts on one hazard words its list. */
export interface HazardListWords {
  /** Said when nothing waits on the person, e.g. `您当前没有待整改的隐患。` */
  none: string;
  /** The list's heading, e.g. `请选择要反馈的隐患`. */
  heading: string;
}

/**
 * The opening of 整改反馈 and 复查: a hazard named by the seed (from 我的待办) goes straight to
 * `chosen`; otherwise the hazards waiting on the person — none said so, one taken at once, several
 * offered by number.
 */
export async function startOnHazard(ctx: FlowContext, seed: Record<string, unknown> | undefined, waiting: (ctx: FlowContext) => Promise<Hazard[]>, words: HazardListWords, chosen: (ctx: FlowContext, hazardId: number) => Promise<Next>): Promise<Next> {
  if (typeof seed?.hazardId === "number") return chosen(ctx, seed.hazardId);
  const hazards = await waiting(ctx);
  if (hazards.length === 0) {
    ctx.say(words.none);
    return next.done();
  }
  if (hazards.length === 1) return chosen(ctx, hazards[0]!.id);
  const lines = await hazardLines(ctx, hazards);
  return next.ask({ text: [words.heading, ...lines.map((l, i) => `${i + 1}. ${l}`)].join("\n"), choices: hazardChoices(hazards) }, "pick", { offered: hazards.map((h) => h.id) });
}

/** The hazard picked from the list `startOnHazard` offered, or a retry. */
export function pickFromList(ctx: FlowContext, state: FlowState, input: FlowInput, chosen: (ctx: FlowContext, hazardId: number) => Promise<Next>): Promise<Next> | Next {
  const offered = (state.data.offered ?? []) as number[];
  const id = input.kind === "choice" ? pickedHazardId(input.key, offered) : undefined;
  if (id === undefined) return next.retry({ text: "请回复隐患前的序号" }, state, "没有找到这个序号");
  return chosen(ctx, id);
}

/**
 * When a hazard notice goes out, in words the person can trust: quiet hours hold routine notices
 * until the morning, and the chat must not say "已通知" while they wait.
 */
export async function whenNotified(ctx: FlowContext, hazard: Hazard, action: string): Promise<string | null> {
  const held = await ctx.services.hazardPicks.noticeHeldUntil(hazard, action);
  if (!held) return null;
  const [day, time] = formatLocal(held).split(" ");
  const today = formatLocal(ctx.services.clock.now()).split(" ")[0];
  // Quiet hours end at most one morning away, so another day is tomorrow.
  return `${day === today ? "" : "明天 "}${time}`;
}

/**
 * The new hazard a notice card's button (or 我的待办) names, while it still waits for 交办; else
 * says why not — a card pressed after the hazard moved on (交办, 转交, 即知即改) is spent.
 */
export async function newHazardOf(ctx: FlowContext, seed: Record<string, unknown> | undefined, what: string): Promise<Hazard | null> {
  const hazard = typeof seed?.hazardId === "number" ? await ctx.services.hazardPicks.byId(seed.hazardId) : null;
  if (!hazard) {
    ctx.say(`请在「新隐患待处理」通知卡片上点「${what}」。`);
    return null;
  }
  const spent = typeof seed?.cardVersion === "number" && seed.cardVersion !== hazard.version;
  if (hazard.state !== "reported" || spent) {
    ctx.say(`这张通知已过期：隐患 ${hazard.number} 当前为“${hazardStateLabels[hazard.state]}”${hazard.state === "reported" ? "（已转交他人办理）" : ""}，不能再${what}。`);
    return null;
  }
  return hazard;
}
