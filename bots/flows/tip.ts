import { formatLocal } from "../../src/clock";
import type { Tip } from "../../src/db/entities";
import { MAX_CONTENT_CHARS, MAX_TIP_PHOTOS, MIN_CONTENT_CHARS, rewardStateLabels, summaryOf, type TipPlace, type TipService, tipResultLabels, tipStateLabels } from "../../src/domain/tips";
import { AppError } from "../../src/errors";
import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";

/**
 * 举报: what happened, photos if any, where (an enterprise, a position or words), a confirmation,
 * then a numbered tip whose tipster only tip officers can name. 我的举报: the tipster's own tips and
 * how far each has got — never who handles them.
 */

interface Draft {
  content?: string;
  photoKeys: string[];
  enterpriseId?: number;
  enterpriseName?: string;
  place?: TipPlace;
  /** Enterprises offered for the last name search. */
  found?: { id: number; name: string }[];
}

const DONE = "done";
const SKIP = "skip";
const UNKNOWN = "unknown";
const AS_PLACE = "as_place";
const SUBMIT = "submit";
const RESTART = "restart";
const MY_TIPS = "my_tips";

/** Said first, before anything is asked: the promise the tipster relies on. */
export const TIP_NOTICE =
  "【举报须知】您的身份信息将加密保存，仅举报受理人员可查看；核查人员只看到代号，不会知道您是谁。经核查属实的，按有关规定给予奖励。";

const q = {
  content: (): Question => ({ text: "请描述您要举报的情况：什么单位或地点、存在什么问题、何时发现", examples: "例如：城东建材厂夜间在仓库内违规动火切割，现场没有灭火器" }),
  photos: (count: number): Question =>
    count === 0
      ? { text: "如有现场照片，请直接发送（可多张）\n没有照片请点「跳过」", choices: [{ key: SKIP, label: "跳过" }], examples: "照片中请避免拍到您本人，最多 9 张" }
      : { text: `已收到 ${count} 张照片，可继续发送\n发完后请点「完成」`, choices: [{ key: DONE, label: "完成" }], examples: "照片中请避免拍到您本人，最多 9 张" },
  where: (): Question => ({
    text: "举报涉及哪个单位或地点？\n请输入企业名称查找，或发送位置，或直接描述地点",
    choices: [{ key: UNKNOWN, label: "不清楚" }],
    examples: "例如：城东建材厂 / 青禾镇汽车站后面的仓库",
  }),
  pick: (found: { name: string }[]): Question => ({
    text: "找到以下企业，请选择",
    choices: [...found.map((e, i) => ({ key: `e${i}`, label: e.name })), { key: AS_PLACE, label: "都不是，按地点记录" }],
  }),
  confirm: (draft: Draft): Question => ({
    text: ["请确认举报内容", `情况：${[...(draft.content ?? "")].slice(0, 200).join("")}`, `照片：${draft.photoKeys.length} 张`, `涉及：${whereOf(draft)}`, "您的身份信息将加密保存，仅举报受理人员可查看。"].join("\n"),
    choices: [
      { key: SUBMIT, label: "提交举报" },
      { key: RESTART, label: "重新填写" },
    ],
  }),
};

export const tipFlow: Flow = {
  name: "tip",
  confidential: true,
  label: "举报",
  summary: "举报安全生产违法行为和事故隐患，身份加密保密",
  keywords: ["举报", "我要举报", "吹哨", "匿名举报"],
  allowed: (person) => person.active,

  async start(ctx) {
    ctx.say(TIP_NOTICE);
    return next.ask(q.content(), "content", { photoKeys: [] });
  },

  async reply(ctx, state, input) {
    const draft = state.data as unknown as Draft;
    switch (state.step) {
      case "content":
        return content(state, draft, input);
      case "photos":
        return photos(state, draft, input);
      case "where":
        return where(ctx, state, draft, input);
      case "pick":
        return pick(state, draft, input);
      case "confirm":
        return confirm(ctx, state, draft, input);
      default:
        return next.done();
    }
  },
};

export const myTipsFlow: Flow = {
  name: MY_TIPS,
  confidential: true,
  label: "我的举报",
  summary: "查看您提交的举报及办理进度",
  // Nothing starting with 举报: the engine matches keywords by prefix, and 举报 is the tip flow's.
  keywords: ["我的举报", "查看举报", "查询举报"],
  allowed: (person) => person.active,

  async start(ctx) {
    const tips = await ctx.services.tips.mine(ctx.person, 10);
    if (tips.length === 0) {
      ctx.say("您还没有提交过举报。发送「举报」即可提交，您的身份信息将加密保存。");
      return next.done();
    }
    ctx.say([`您最近的 ${tips.length} 条举报（最新在前）：`, ...tips.map((t, i) => tipLine(t, i + 1))].join("\n"));
    return next.done();
  },

  async reply() {
    return next.done();
  },
};

function content(state: FlowState, draft: Draft, input: FlowInput): Next {
  if (input.kind === "photo") {
    const photoKeys = [...draft.photoKeys, input.storageKey].slice(0, MAX_TIP_PHOTOS);
    return next.retry(q.content(), { step: "content", data: { ...draft, photoKeys } }, `已收到 ${photoKeys.length} 张照片，请再用文字说明举报的情况`);
  }
  // A voice can give a tipster away; words cannot.
  if (input.kind === "voice") return next.retry(q.content(), state, "为保护您的身份，请用文字描述，不要发送语音");
  const text = input.kind === "text" ? input.text.trim() : "";
  if (text === "我的举报") return next.goto(MY_TIPS, {});
  if ([...text].length < MIN_CONTENT_CHARS) return next.retry(q.content(), state, `请把情况说清楚一些（至少 ${MIN_CONTENT_CHARS} 个字）`);
  if ([...text].length > MAX_CONTENT_CHARS) return next.retry(q.content(), state, `内容太长，请控制在 ${MAX_CONTENT_CHARS} 字以内`);
  return next.ask(q.photos(draft.photoKeys.length), "photos", { ...draft, content: text });
}

function photos(state: FlowState, draft: Draft, input: FlowInput): Next {
  if (input.kind === "photo") {
    if (draft.photoKeys.length >= MAX_TIP_PHOTOS) return next.retry(q.photos(draft.photoKeys.length), state, `照片最多 ${MAX_TIP_PHOTOS} 张，这张未保存`);
    const photoKeys = [...draft.photoKeys, input.storageKey];
    return next.ask(q.photos(photoKeys.length), "photos", { ...draft, photoKeys });
  }
  const onward = (input.kind === "choice" && (input.key === DONE || input.key === SKIP)) || (input.kind === "text" && /^(完成|跳过|好了|发完了|没有|没有照片)$/.test(input.text.trim()));
  if (!onward) return next.retry(q.photos(draft.photoKeys.length), state, draft.photoKeys.length ? "请继续发送照片，或点「完成」" : "请发送照片，没有照片请点「跳过」");
  return next.ask(q.where(), "where", { ...draft });
}

async function where(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  if (input.kind === "location") {
    const place: TipPlace = { locationText: input.label?.trim() || `位置 ${input.latitude.toFixed(5)}, ${input.longitude.toFixed(5)}`, latitude: input.latitude, longitude: input.longitude };
    return toConfirm({ ...draft, place });
  }
  if ((input.kind === "choice" && input.key === UNKNOWN) || (input.kind === "text" && /^(不清楚|不知道|跳过)$/.test(input.text.trim()))) return toConfirm(draft);
  const text = input.kind === "text" ? input.text.trim() : "";
  if ([...text].length < 2) return next.retry(q.where(), state, "请输入企业名称或地点（至少 2 个字），或发送位置");
  const locationText = [...text].slice(0, 200).join("");
  const found = (await ctx.services.tips.findEnterprises(text, 5)).map((e) => ({ id: e.id, name: e.name }));
  if (found.length === 0) return toConfirm({ ...draft, place: { locationText } });
  return next.ask(q.pick(found), "pick", { ...draft, found, place: { locationText } });
}

function pick(state: FlowState, draft: Draft, input: FlowInput): Next {
  const { found = [], ...rest } = draft;
  if (input.kind !== "choice") return next.retry(q.pick(found), state, "请回复企业的序号；都不是请选最后一项");
  if (input.key === AS_PLACE) return toConfirm(rest);
  const picked = found[Number(input.key.slice(1))];
  if (!picked) return next.retry(q.pick(found), state, "请回复企业的序号；都不是请选最后一项");
  const { place: _typed, ...withoutPlace } = rest;
  return toConfirm({ ...withoutPlace, enterpriseId: picked.id, enterpriseName: picked.name });
}

function toConfirm(draft: Draft): Next {
  return next.ask(q.confirm(draft), "confirm", { ...draft });
}

async function confirm(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  if (input.kind === "choice" && input.key === RESTART) return next.ask(q.content(), "content", { photoKeys: [] });
  const submit = (input.kind === "choice" && input.key === SUBMIT) || (input.kind === "text" && /^(提交|确认|确认提交)$/.test(input.text.trim()));
  if (!submit) return next.retry(q.confirm(draft), state, "请点「提交举报」确认，或点「重新填写」");
  const tip = await ctx.services.tips.report(ctx.person, {
    content: draft.content ?? "",
    enterpriseId: draft.enterpriseId ?? null,
    place: draft.place ?? null,
    photoKeys: draft.photoKeys,
    requestKey: `${ctx.requestKey}:report`,
  });
  ctx.say(
    [
      `举报已提交，编号：${tip.number}`,
      "感谢您的举报！举报受理人员将尽快受理并安排核查。",
      `您的身份信息已加密保存，核查人员只看到代号「${tip.pseudonym}」。`,
      "回复「我的举报」可随时查看办理进度。",
    ].join("\n"),
  );
  return next.done();
}

function whereOf(draft: Draft): string {
  return draft.enterpriseName ?? draft.place?.locationText ?? "未注明";
}

/** `1. JB2026-000123（2026-11-26 提交）\n   状态：已办结（属实）\n   摘要：…`. */
function tipLine(t: Tip, n: number): string {
  const state = t.state === "closed" && t.result ? `${tipStateLabels.closed}（${tipResultLabels[t.result]}）` : t.state === "rejected" && t.resolution ? `${tipStateLabels.rejected}（原因：${t.resolution}）` : tipStateLabels[t.state];
  const reward = t.rewardState ? `\n   奖励：${t.rewardAmount ?? ""} 元（${rewardStateLabels[t.rewardState]}）` : "";
  return `${n}. ${t.number}（${formatLocal(t.reportedAt).slice(0, 10)} 提交）\n   状态：${state}${reward}\n   摘要：${summaryOf(t.content)}`;
}
