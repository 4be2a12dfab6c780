import { formatLocal } from "../../clock";
import type { Hazard } from "../../db/entities";
import { enforcementStageLabels, hazardLevelLabels } from "./vocabulary";

/** The facts a notice names; `place` is the enterprise's name or the free location. */
export interface NoticeFacts {
  hazard: Hazard;
  place: string;
  /** Who handed a new hazard over and why, for the notice its new supervisor reads. */
  from?: string;
}

const head = ({ hazard, place }: NoticeFacts) => `【${hazardLevelLabels[hazard.level]}】${hazard.number}\n地点：${place}\n类别：${hazard.category}`;

const stageLine = (h: Hazard) =>
  h.enterpriseId === null ? "" : `\n执法阶段：${enforcementStageLabels[h.enforcementStage]}${h.enforcementStage === "advice" ? "" : "（同类问题重复发现）"}`;

const supervised = (h: Hazard) => (h.listedForSupervision ? "\n本隐患已挂牌督办。" : "");

const deadline = (h: Hazard) => (h.deadline ? formatLocal(h.deadline) : "未定");

/** The Chinese text of each hazard notice; no person's mobile or the tipster ever appears. */
export const hazardNotices = {
  reported: (f: NoticeFacts) => `新隐患待处理\n${head(f)}\n情况：${f.hazard.description}${stageLine(f.hazard)}${supervised(f.hazard)}${f.from ? `\n由${f.from}` : ""}`,
  assigned: (f: NoticeFacts) =>
    `隐患交办单\n${head(f)}\n整改措施：${f.hazard.measures ?? "未填"}\n资金：${f.hazard.funds ?? "未填"}\n整改时限：${deadline(f.hazard)}\n预案：${f.hazard.contingencyPlan ?? "未填"}${stageLine(f.hazard)}${supervised(f.hazard)}\n请按期整改，完成后在这里回复「整改反馈」上传整改后照片。`,
  submitted: (f: NoticeFacts) => `隐患整改已反馈，请复查\n${head(f)}\n请到现场复查，在这里回复「复查」查看整改前后照片并通过或退回。`,
  verified: (f: NoticeFacts) =>
    `隐患复查通过\n${head(f)}${f.hazard.level === "major" ? "\n重大隐患须经分管负责人或主要负责人签字后销号（回复「待办」办理）。" : "\n可以销号：监管人员回复「销号」办理。"}`,
  rejected: (f: NoticeFacts, reason: string) => `隐患复查不通过，请继续整改\n${head(f)}\n原因：${reason}\n整改时限：${deadline(f.hazard)}\n整改完成后回复「整改反馈」重新提交。`,
  closed: (f: NoticeFacts) => `隐患已销号\n${head(f)}`,
  fixedOnSpot: (f: NoticeFacts) => `隐患已即知即改并销号\n${head(f)}\n情况：${f.hazard.description}${stageLine(f.hazard)}`,
  reopened: (f: NoticeFacts, reason: string) => `隐患已重新打开\n${head(f)}\n原因：${reason}`,
  extended: (f: NoticeFacts, reason: string) => `隐患整改时限已延期\n${head(f)}\n新时限：${deadline(f.hazard)}\n原因：${reason}`,
  signedOff: (f: NoticeFacts) => `重大隐患已经领导签字，可以销号\n${head(f)}`,
};
