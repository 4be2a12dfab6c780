import { formatLocal } from "../../src/clock";
import type { Inspection } from "../../src/db/entities";
import {
  INSPECTION_KINDS,
  INSPECTION_RESULTS,
  type InspectionKind,
  type InspectionResult,
  MAX_INSPECTION_PHOTOS,
  mayInspect,
  inspectionKindLabels,
  inspectionResultLabels,
  type Position,
} from "../../src/domain/inspections";
import { type Choice, choiceOf, type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";

/**
 * 巡查打卡: which enterprise (a few characters of its name, or a shared location for the nearest
 * ones), the kind of check, the result, photos and a note → a check-in, confirmed with the distance
 * to the enterprise. A location is taken at any step; the last one shared is the one recorded.
 * "发现隐患" hands over to 隐患随手拍 with the enterprise, the check-in and the photos filled in.
 */

/** The hazard flow a "发现隐患" check-in continues into (bots/flows/hazardPhoto.ts). */
export const HAZARD_FLOW = "hazard_photo";

/** How many matches a name search offers, and how many enterprises "nearest" lists. */
const SEARCH_LIMIT = 8;
const NEAREST_LIMIT = 5;

/** What the conversation has gathered so far (stored between turns: plain JSON). */
interface Draft {
  enterpriseId?: number;
  enterpriseName?: string;
  kind?: InspectionKind;
  result?: InspectionResult;
  photoKeys: string[];
  position?: Position;
  /** The enterprises offered in the last list, in order. */
  offered?: { id: number; name: string; metres?: number | null }[];
}

const DONE = "done";
const NONE = "none";
const FINISHED = /^(完成|好了|好|发完了|没有了|没有|跳过|无)$/;
const NOTHING = /^(无|没有|没|不用|跳过|无备注)$/;

const q = {
  enterprise: (): Question => ({ text: "巡查打卡：请输入企业名称（几个字即可），或发送您的位置查找附近企业", examples: "例如：青禾燃气 / 东岭农贸市场" }),
  pick: (draft: Draft, near: boolean): Question => ({
    text: near ? "离您最近的企业如下，请选择\n也可以输入企业名称搜索" : "找到以下企业，请选择\n不在其中可输入其他名称重新搜索",
    choices: (draft.offered ?? []).map((e) => ({ key: `e:${e.id}`, label: e.metres == null ? e.name : `${e.name}（约 ${e.metres} 米）` })),
    examples: "回复序号，例如：1",
  }),
  kind: (draft: Draft): Question => ({
    text: `企业：${draft.enterpriseName}\n请选择检查类型`,
    choices: INSPECTION_KINDS.map((k) => ({ key: k, label: inspectionKindLabels[k] })),
    examples: "例如：1 或 日常巡查",
  }),
  result: (): Question => ({
    text: "检查结果？",
    choices: INSPECTION_RESULTS.map((r) => ({ key: r, label: inspectionResultLabels[r] })),
    examples: "例如：1 或 无问题",
  }),
  photos: (draft: Draft): Question => ({
    text:
      draft.photoKeys.length > 0
        ? `已收到 ${draft.photoKeys.length} 张照片，可继续发送\n发完后点「照片已发完」`
        : draft.result === "hazard_found"
          ? "请拍摄或发送现场照片（可多张），这些照片会一并带入隐患上报\n没有可直接点「照片已发完」"
          : "请拍摄或发送现场照片（至少一张，可多张）\n发完后点「照片已发完」",
    choices: [{ key: DONE, label: "照片已发完" }],
    examples: `直接发送照片即可，最多 ${MAX_INSPECTION_PHOTOS} 张`,
  }),
  note: (): Question => ({ text: "请输入备注（检查情况、陪同人员等），没有请回复「无」", choices: [{ key: NONE, label: "无" }], examples: "例如：消防设施完好，已提醒做好冬季防火" }),
};

export const inspectionFlow: Flow = {
  name: "inspection",
  label: "巡查打卡",
  summary: "到企业检查时打卡（选企业、检查类型、结果、现场照片）",
  keywords: ["巡查打卡", "打卡", "巡查", "检查打卡"],
  allowed: (person) => mayInspect(person),

  async start(_ctx, seed) {
    const draft: Draft = { photoKeys: [] };
    if (typeof seed?.enterpriseId === "number" && typeof seed.enterpriseName === "string") {
      return next.ask(q.kind({ ...draft, enterpriseName: seed.enterpriseName }), "kind", { ...draft, enterpriseId: seed.enterpriseId, enterpriseName: seed.enterpriseName });
    }
    return next.ask(q.enterprise(), "enterprise", { ...draft });
  },

  async reply(ctx, state, input) {
    const draft = state.data as unknown as Draft;
    if (input.kind === "voice") return again(state, draft, "暂不支持语音，请打字或点按钮回复");
    if (input.kind === "location" && state.step !== "enterprise" && state.step !== "pick") {
      ctx.say("已记录您的位置，打卡时将核对与企业的距离。");
      return next.ask(questionFor(state.step, draft), state.step, { ...draft, position: positionOf(input) });
    }
    if (input.kind === "photo" && state.step !== "photos") return earlyPhoto(state, draft, input.storageKey);
    switch (state.step) {
      case "enterprise":
      case "pick":
        return findEnterprise(ctx, state, draft, input);
      case "kind":
        return kind(state, draft, input);
      case "result":
        return result(state, draft, input);
      case "photos":
        return photos(state, draft, input);
      case "note":
        return note(ctx, state, draft, input);
      default:
        return next.done();
    }
  },
};

/** The question a step asks, with what the draft already holds. */
function questionFor(step: string, draft: Draft): Question {
  if (step === "pick") return q.pick(draft, draft.offered?.some((e) => e.metres != null) ?? false);
  if (step === "kind") return q.kind(draft);
  if (step === "result") return q.result();
  if (step === "photos") return q.photos(draft);
  if (step === "note") return q.note();
  return q.enterprise();
}

const again = (state: FlowState, draft: Draft, why: string): Next => next.retry(questionFor(state.step, draft), state, why);

const positionOf = (input: { latitude: number; longitude: number }): Position => ({ latitude: input.latitude, longitude: input.longitude });

/** A photo before the photo step is kept for it, so nobody has to send it twice. */
function earlyPhoto(state: FlowState, draft: Draft, key: string): Next {
  if (draft.photoKeys.length >= MAX_INSPECTION_PHOTOS) return again(state, draft, `照片最多 ${MAX_INSPECTION_PHOTOS} 张，这张未保存`);
  const data = { ...draft, photoKeys: [...draft.photoKeys, key] };
  return next.retry(questionFor(state.step, data), { step: state.step, data: { ...data } }, `照片已收到（${data.photoKeys.length} 张），请先回答这一步`);
}

/** A typed name searches, a location lists the nearest, a choice picks from the last list. */
async function findEnterprise(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  const service = ctx.services.inspections;
  if (input.kind === "choice") {
    const picked = draft.offered?.find((e) => `e:${e.id}` === input.key);
    if (!picked) return again(state, draft, "请从列表中选择企业，或输入企业名称重新搜索");
    return chosen(draft, picked);
  }
  if (input.kind === "location") {
    const position = positionOf(input);
    const found = await service.nearestEnterprises(position.latitude, position.longitude, NEAREST_LIMIT);
    if (found.length === 0) return next.retry(q.enterprise(), { step: "enterprise", data: { ...draft, position } }, "附近没有登记了位置的企业，请输入企业名称搜索");
    const offered = found.map((f) => ({ id: f.enterprise.id, name: f.enterprise.name, metres: f.metres }));
    return next.ask(q.pick({ ...draft, offered }, true), "pick", { ...draft, position, offered });
  }
  const text = input.kind === "text" ? input.text.trim() : "";
  // On the list, a typed number or name of a listed enterprise is a pick, anything else a new search.
  const listed = state.step === "pick" && text ? choiceOf(text, questionFor("pick", draft).choices ?? []) : undefined;
  if (listed) return chosen(draft, draft.offered!.find((e) => `e:${e.id}` === listed.key)!);
  if (!text) return again(state, draft, "请输入企业名称，或发送您的位置");
  const found = await service.searchEnterprises(text, SEARCH_LIMIT);
  if (found.length === 0) return next.retry(q.enterprise(), { step: "enterprise", data: { ...draft } }, `没有找到名称含“${text.slice(0, 20)}”的企业，请换几个字再试，或发送您的位置`);
  const offered = found.map((e) => ({ id: e.id, name: e.name }));
  if (offered.length === 1) return chosen(draft, offered[0]!);
  return next.ask(q.pick({ ...draft, offered }, false), "pick", { ...draft, offered });
}

function chosen(draft: Draft, enterprise: { id: number; name: string }): Next {
  const { offered: _, ...rest } = draft;
  const data: Draft = { ...rest, enterpriseId: enterprise.id, enterpriseName: enterprise.name };
  return next.ask(q.kind(data), "kind", { ...data });
}

/** The choice a reply names: a button, a number, a label, or a unique part of a label (`暗访`). */
function pickChoice(input: FlowInput, choices: readonly Choice[]): Choice | undefined {
  if (input.kind === "choice") return choices.find((c) => c.key === input.key);
  if (input.kind !== "text") return undefined;
  const text = input.text.trim();
  const exact = choiceOf(text, choices);
  if (exact || text.length < 2) return exact;
  const partial = choices.filter((c) => c.label.includes(text));
  return partial.length === 1 ? partial[0] : undefined;
}

function kind(state: FlowState, draft: Draft, input: FlowInput): Next {
  const choice = pickChoice(input, q.kind(draft).choices ?? []);
  if (!choice) return again(state, draft, "没有看懂您的回复，请选择检查类型");
  return next.ask(q.result(), "result", { ...draft, kind: choice.key as InspectionKind });
}

function result(state: FlowState, draft: Draft, input: FlowInput): Next {
  const choice = pickChoice(input, q.result().choices ?? []);
  if (!choice) return again(state, draft, "没有看懂您的回复，请选择检查结果：无问题 或 发现隐患");
  const data: Draft = { ...draft, result: choice.key as InspectionResult };
  return next.ask(q.photos(data), "photos", { ...data });
}

function photos(state: FlowState, draft: Draft, input: FlowInput): Next {
  if (input.kind === "photo") {
    if (draft.photoKeys.length >= MAX_INSPECTION_PHOTOS) return again(state, draft, `照片最多 ${MAX_INSPECTION_PHOTOS} 张，这张未保存`);
    const data = { ...draft, photoKeys: [...draft.photoKeys, input.storageKey] };
    return next.ask(q.photos(data), "photos", { ...data });
  }
  const finished = (input.kind === "choice" && input.key === DONE) || (input.kind === "text" && FINISHED.test(input.text.trim()));
  if (!finished) return again(state, draft, "请发送现场照片，发完后点「照片已发完」");
  // "无问题" has only the photos to show the visit happened; a hazard found is photographed in its report.
  if (draft.photoKeys.length === 0 && draft.result === "no_problem") return again(state, draft, "“无问题”的打卡需要至少一张现场照片");
  return next.ask(q.note(), "note", { ...draft });
}

async function note(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  let text: string | null;
  if (input.kind === "choice" && input.key === NONE) text = null;
  else if (input.kind === "text" && input.text.trim()) text = NOTHING.test(input.text.trim()) ? null : input.text.trim();
  else return again(state, draft, "请输入备注，没有请回复「无」");
  const inspection = await ctx.services.inspections.checkIn(ctx.person, {
    enterpriseId: draft.enterpriseId!,
    kind: draft.kind!,
    result: draft.result!,
    photoKeys: draft.photoKeys,
    note: text,
    position: draft.position ?? null,
    requestKey: `${ctx.requestKey}:check_in`,
  });
  confirm(ctx, draft, inspection, text);
  if (inspection.result !== "hazard_found") return next.done();
  return next.goto(HAZARD_FLOW, {
    enterpriseId: inspection.enterpriseId,
    enterpriseName: draft.enterpriseName,
    inspectionId: inspection.id,
    source: "inspection",
    photoKeys: draft.photoKeys,
    // The remark usually already says what was found: offered as the description, not asked again.
    ...(text ? { description: text } : {}),
  });
}

/** The confirmation card: what was recorded, and how far from the enterprise it was recorded. */
function confirm(ctx: FlowContext, draft: Draft, i: Inspection, remark: string | null): void {
  const found = i.result === "hazard_found";
  ctx.card({
    title: "巡查打卡成功",
    description: [distanceLine(i), found ? "接下来请上报发现的隐患。" : ""].filter(Boolean).join("\n"),
    fields: [
      { label: "企业", value: draft.enterpriseName ?? "" },
      { label: "检查类型", value: inspectionKindLabels[i.kind] },
      { label: "检查结果", value: inspectionResultLabels[i.result] },
      { label: "时间", value: formatLocal(i.checkedInAt) },
      { label: "照片", value: `${draft.photoKeys.length} 张` },
      ...(remark ? [{ label: "备注", value: remark.slice(0, 60) }] : []),
    ],
  });
}

function distanceLine(i: Inspection): string {
  if (i.latitude === null) return "未发送位置，未核对与企业的距离。";
  if (i.distanceMetres === null) return "该企业未登记位置，未核对距离。";
  const distance = `距企业约 ${i.distanceMetres} 米`;
  return i.farFromSite ? `${distance}。注意：打卡位置离企业较远，已标记为“远离企业”，请确认是否在现场。` : `${distance}。`;
}
