/** The closed vocabularies of hazards, stored as codes and shown in Chinese. */

export const HAZARD_STATES = ["reported", "assigned", "rectifying", "submitted", "verified", "closed"] as const;
export type HazardState = (typeof HAZARD_STATES)[number];

export const hazardStateLabels: Record<HazardState, string> = {
  reported: "已上报",
  assigned: "已交办",
  rectifying: "整改中",
  submitted: "待复查",
  verified: "复查通过",
  closed: "已销号",
};

export const HAZARD_LEVELS = ["general", "major"] as const;
export type HazardLevel = (typeof HAZARD_LEVELS)[number];
export const hazardLevelLabels: Record<HazardLevel, string> = { general: "一般隐患", major: "重大隐患" };

export const HAZARD_SOURCES = ["inspection", "chat_photo", "tip", "self_check"] as const;
export type HazardSource = (typeof HAZARD_SOURCES)[number];
export const hazardSourceLabels: Record<HazardSource, string> = { inspection: "检查发现", chat_photo: "随手拍", tip: "举报线索", self_check: "企业自查" };

/** "首查服务提醒、再查警告警示、三查依法查处": how a repeat finding is treated. */
export const ENFORCEMENT_STAGES = ["advice", "warning", "penalty"] as const;
export type EnforcementStage = (typeof ENFORCEMENT_STAGES)[number];
export const enforcementStageLabels: Record<EnforcementStage, string> = { advice: "服务提醒", warning: "警告警示", penalty: "依法查处" };

/** Photos: as found (before), after rectification (after), of a fix made on the spot (proof). */
export const HAZARD_PHOTO_STAGES = ["before", "after", "proof"] as const;
export type HazardPhotoStage = (typeof HAZARD_PHOTO_STAGES)[number];
export const hazardPhotoStageLabels: Record<HazardPhotoStage, string> = { before: "整改前", after: "整改后", proof: "即知即改" };
