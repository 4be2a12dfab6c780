import { type CodeOf, defineVocabulary } from "../kernel/vocabulary";

/** The closed vocabularies of hazards, stored as codes and shown in Chinese. */

export const hazardStates = defineVocabulary({
  reported: "已上报",
  assigned: "已交办",
  rectifying: "整改中",
  submitted: "待复查",
  verified: "复查通过",
  closed: "已销号",
});
export type HazardState = CodeOf<typeof hazardStates>;
export const HAZARD_STATES = hazardStates.codes;
export const hazardStateLabels = hazardStates.labels;

export const hazardLevels = defineVocabulary({ general: "一般隐患", major: "重大隐患" });
export type HazardLevel = CodeOf<typeof hazardLevels>;
export const HAZARD_LEVELS = hazardLevels.codes;
export const hazardLevelLabels = hazardLevels.labels;

export const hazardSources = defineVocabulary({ inspection: "检查发现", chat_photo: "随手拍", tip: "举报线索", self_check: "企业自查" });
export type HazardSource = CodeOf<typeof hazardSources>;
export const HAZARD_SOURCES = hazardSources.codes;
export const hazardSourceLabels = hazardSources.labels;

/** "首查服务提醒、再查警告警示、三查依法查处": how a repeat finding is treated. */
export const enforcementStages = defineVocabulary({ advice: "服务提醒", warning: "警告警示", penalty: "依法查处" });
export type EnforcementStage = CodeOf<typeof enforcementStages>;
export const ENFORCEMENT_STAGES = enforcementStages.codes;
export const enforcementStageLabels = enforcementStages.labels;

/** Photos: as found (before), after rectification (after), of a fix made on the spot (proof). */
export const hazardPhotoStages = defineVocabulary({ before: "整改前", after: "整改后", proof: "即知即改" });
export type HazardPhotoStage = CodeOf<typeof hazardPhotoStages>;
export const HAZARD_PHOTO_STAGES = hazardPhotoStages.codes;
export const hazardPhotoStageLabels = hazardPhotoStages.labels;
