import { hazardLevelLabels, type HazardLevel, type HazardPlace, type HazardSource } from "../../src/domain/hazards";
import { MAX_PHOTOS } from "../../src/domain/hazards/photos";
import { whenNotified } from "./hazardPicks";
import { type Flow, type FlowContext, type FlowInput, type FlowState, next, type Next, type Question } from "../flow";

/**
 * 隐患随手拍: photos, a description (typed, or a voice note kept with the photos), where it is
 * (an enterprise or a place), a category and a suggested level → a numbered hazard, routed to its
 * owner and supervisor. A check-in that found a hazard hands over here with the enterprise filled in.
 */

interface Draft {
  photoKeys: string[];
  description?: string;
  enterpriseId?: number;
  enterpriseName?: string;
  place?: HazardPlace;
  category?: string;
  inspectionId?: number;
  source?: HazardSource;
  /** Enterprises offered for the last place search. */
  found?: { id: number; name: string }[];
}

const DONE = "done";
const AS_PLACE = "as_place";
const KEEP = "keep";
const REWRITE = "rewrite";
const CATEGORIES = ["消防安全", "用电安全", "动火作业", "危化品", "特种设备", "其他"];

const q = {
  photos: (count: number): Question => ({
    text: count === 0 ? "请拍摄或发送隐患照片（可多张）\n发完后点「照片已发完」" : `已收到 ${count} 张照片，可继续发送\n发完后点「照片已发完」`,
    choices: [{ key: DONE, label: "照片已发完" }],
    examples: "直接发送照片即可，最多 9 张",
  }),
  description: (carriedPhotos = 0): Question => ({
    text: `${carriedPhotos > 0 ? `已沿用巡查打卡的 ${carriedPhotos} 张照片\n` : ""}请描述隐患情况（文字或语音）`,
    examples: "例如：二楼消防通道堆放纸箱，安全出口被锁",
  }),
  carried: (photos: number, description: string): Question => ({
    text: `隐患情况沿用巡查打卡的内容，请确认\n照片：${photos} 张\n情况：${description}\n需要补充照片可直接发送`,
    choices: [{ key: KEEP, label: "确认" }, { key: REWRITE, label: "重新描述" }],
  }),
  place: (): Question => ({ text: "隐患在哪里？\n请发送位置，或输入企业名称搜索，或直接输入地点", examples: "例如：青禾化工 / 县道 X203 青禾桥东侧" }),
  pickEnterprise: (found: { name: string }[]): Question => ({
    text: "找到以下企业，请选择",
    choices: [...found.map((e, i) => ({ key: `e${i}`, label: e.name })), { key: AS_PLACE, label: "都不是，按地点填写" }],
  }),
  category: (): Question => ({ text: "请选择隐患类别，或直接输入", choices: CATEGORIES.map((c) => ({ key: c, label: c })) }),
  level: (): Question => ({
    text: "请判断隐患等级",
    choices: (Object.keys(hazardLevelLabels) as HazardLevel[]).map((l) => ({ key: l, label: hazardLevelLabels[l] })),
    examples: "拿不准时选一般隐患，监管人员会复核",
  }),
};

export const hazardPhotoFlow: Flow = {
  name: "hazard_photo",
  label: "隐患随手拍",
  summary: "拍照上报发现的安全隐患",
  keywords: ["随手拍", "隐患", "上报隐患", "拍照"],
  allowed: (person) => person.active,

  async start(_ctx, seed) {
    const draft: Draft = {
      photoKeys: Array.isArray(seed?.photoKeys) ? (seed.photoKeys as string[]) : [],
      ...(typeof seed?.enterpriseId === "number" ? { enterpriseId: seed.enterpriseId, enterpriseName: String(seed.enterpriseName ?? "") } : {}),
      ...(typeof seed?.inspectionId === "number" ? { inspectionId: seed.inspectionId } : {}),
      ...(seed?.source === "inspection" ? { source: "inspection" as const } : {}),
    };
    // From a check-in: its photos and remark carry over, shown once to confirm rather than asked again.
    if (draft.source === "inspection" && typeof seed?.description === "string") return next.ask(q.carried(draft.photoKeys.length, seed.description), "carried", { ...draft, description: seed.description });
    if (draft.source === "inspection" && draft.photoKeys.length > 0) return next.ask(q.description(draft.photoKeys.length), "description", { ...draft });
    return next.ask(q.photos(draft.photoKeys.length), "photos", { ...draft });
  },

  async reply(ctx, state, input) {
    const draft = state.data as unknown as Draft;
    switch (state.step) {
      case "photos":
        return photos(state, draft, input);
      case "carried":
        return carried(state, draft, input);
      case "description":
        return description(state, draft, input);
      case "place":
        return place(ctx, state, draft, input);
      case "pick_enterprise":
        return pickEnterprise(state, draft, input);
      case "category":
        return category(state, draft, input);
      case "level":
        return level(ctx, state, draft, input);
      default:
        return next.done();
    }
  },
};

function photos(state: FlowState, draft: Draft, input: FlowInput): Next {
  if (input.kind === "photo") {
    if (draft.photoKeys.length >= MAX_PHOTOS) return next.retry(q.photos(draft.photoKeys.length), state, `照片最多 ${MAX_PHOTOS} 张，这张未保存`);
    const photoKeys = [...draft.photoKeys, input.storageKey];
    return next.ask(q.photos(photoKeys.length), "photos", { ...draft, photoKeys });
  }
  const finished = (input.kind === "choice" && input.key === DONE) || (input.kind === "text" && /^(完成|好了|发完了|没有了|跳过)$/.test(input.text.trim()));
  if (!finished) return next.retry(q.photos(draft.photoKeys.length), state, "请发送照片，发完后点「照片已发完」");
  // A check-in may report without a photo; a 随手拍 is its photo.
  if (draft.photoKeys.length === 0 && draft.source !== "inspection") return next.retry(q.photos(0), state, "随手拍至少需要一张照片");
  return next.ask(q.description(), "description", { ...draft });
}

function carried(state: FlowState, draft: Draft, input: FlowInput): Next {
  const again = (d: Draft) => q.carried(d.photoKeys.length, d.description ?? "");
  if (input.kind === "photo") {
    if (draft.photoKeys.length >= MAX_PHOTOS) return next.retry(again(draft), state, `照片最多 ${MAX_PHOTOS} 张，这张未保存`);
    const more = { ...draft, photoKeys: [...draft.photoKeys, input.storageKey] };
    return next.ask(again(more), "carried", { ...more });
  }
  if (input.kind === "choice" && input.key === KEEP) return afterDescription(draft);
  if (input.kind === "choice" && input.key === REWRITE) return next.ask(q.description(), "description", { ...draft });
  // A sentence typed here is the better description: take it.
  if (input.kind === "text" && input.text.trim().length >= 4) return afterDescription({ ...draft, description: input.text.trim().slice(0, 2000) });
  return next.retry(again(draft), state, "请点「确认」沿用，或「重新描述」");
}

function description(state: FlowState, draft: Draft, input: FlowInput): Next {
  if (input.kind === "voice") {
    // The voice note is kept as media with the photos; the text says where to find it.
    return afterDescription({ ...draft, photoKeys: [...draft.photoKeys, input.storageKey], description: "（语音描述，见附件）" });
  }
  if (input.kind === "photo") return next.ask(q.description(), "description", { ...draft, photoKeys: [...draft.photoKeys, input.storageKey] });
  const text = input.kind === "text" ? input.text.trim() : "";
  if (text.length < 4) return next.retry(q.description(), state, "请用一句话描述隐患（至少 4 个字）");
  return afterDescription({ ...draft, description: text.slice(0, 2000) });
}

function afterDescription(draft: Draft): Next {
  if (draft.enterpriseId) return next.ask(q.category(), "category", { ...draft });
  return next.ask(q.place(), "place", { ...draft });
}

async function place(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  if (input.kind === "location") {
    const where: HazardPlace = { locationText: input.label?.trim() || `位置 ${input.latitude.toFixed(5)}, ${input.longitude.toFixed(5)}`, latitude: input.latitude, longitude: input.longitude };
    return next.ask(q.category(), "category", { ...draft, place: where });
  }
  const text = input.kind === "text" ? input.text.trim() : "";
  if (text.length < 2) return next.retry(q.place(), state, "请发送位置，或输入企业名称、地点");
  const found = (await ctx.services.hazardPicks.findEnterprises(text, 5)).map((e) => ({ id: e.id, name: e.name }));
  if (found.length === 0) return next.ask(q.category(), "category", { ...draft, place: { locationText: text.slice(0, 200) } });
  return next.ask(q.pickEnterprise(found), "pick_enterprise", { ...draft, found, place: { locationText: text.slice(0, 200) } });
}

function pickEnterprise(state: FlowState, draft: Draft, input: FlowInput): Next {
  const found = draft.found ?? [];
  if (input.kind !== "choice") return next.retry(q.pickEnterprise(found), state, "请选择企业的序号");
  const { found: _, ...rest } = draft;
  if (input.key === AS_PLACE) return next.ask(q.category(), "category", rest);
  const picked = found[Number(input.key.slice(1))];
  if (!picked) return next.retry(q.pickEnterprise(found), state, "请选择企业的序号");
  const { place: __, ...withoutPlace } = rest;
  return next.ask(q.category(), "category", { ...withoutPlace, enterpriseId: picked.id, enterpriseName: picked.name });
}

function category(state: FlowState, draft: Draft, input: FlowInput): Next {
  const chosen = input.kind === "choice" ? input.key : input.kind === "text" ? input.text.trim() : "";
  if (!chosen || chosen.length > 50) return next.retry(q.category(), state, "请选择隐患类别，或输入不超过 50 字的类别");
  return next.ask(q.level(), "level", { ...draft, category: chosen });
}

async function level(ctx: FlowContext, state: FlowState, draft: Draft, input: FlowInput): Promise<Next> {
  if (input.kind !== "choice") return next.retry(q.level(), state, "请选择一般隐患或重大隐患");
  const { person, services } = ctx;
  const source: HazardSource = draft.source ?? (person.roles.every((r) => r === "enterprise_owner") ? "self_check" : "chat_photo");
  const hazard = await services.hazards.report(person, {
    source,
    ...(draft.enterpriseId ? { enterpriseId: draft.enterpriseId } : { place: draft.place ?? null }),
    category: draft.category ?? "其他",
    level: input.key as HazardLevel,
    description: draft.description ?? "",
    photoKeys: draft.photoKeys,
    requestKey: `${ctx.requestKey}:report`,
  });
  if (draft.inspectionId) await services.inspections.linkHazard(draft.inspectionId, hazard.id);
  const notified = (await services.hazardPicks.notifiedOf(hazard)).join("、");
  const heldUntil = notified ? await whenNotified(ctx, hazard, "report") : null;
  const where = (await services.hazardPicks.placesOf([hazard])).get(hazard.id) ?? "";
  ctx.card({
    title: `隐患已上报：${hazard.number}`,
    description: "感谢您的上报，处理进展会在这里通知您。",
    fields: [
      { label: "地点", value: where },
      { label: "类别", value: hazard.category },
      { label: "等级", value: hazardLevelLabels[hazard.level] },
      heldUntil
        ? { label: "通知", value: `夜间免打扰，将于 ${heldUntil} 通知 ${notified}` }
        : { label: "已通知", value: notified || "所属单位（待指定责任人）" },
    ],
  });
  return next.done();
}
