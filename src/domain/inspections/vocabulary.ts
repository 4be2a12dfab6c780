import { type CodeOf, defineVocabulary } from "../kernel/vocabulary";

/** The closed vocabularies of inspection check-ins (巡查打卡), stored as codes and shown in Chinese. */

/** The kinds of check the seeds name; 明察暗访 is the "四不两直" unannounced visit. */
export const inspectionKinds = defineVocabulary({
  routine: "日常巡查",
  enforcement: "执法检查",
  special: "专项检查",
  supervision: "督导检查",
  unannounced: "明察暗访",
});
export type InspectionKind = CodeOf<typeof inspectionKinds>;
export const INSPECTION_KINDS = inspectionKinds.codes;
export const inspectionKindLabels = inspectionKinds.labels;

export const inspectionResults = defineVocabulary({ no_problem: "无问题", hazard_found: "发现隐患" });
export type InspectionResult = CodeOf<typeof inspectionResults>;
export const INSPECTION_RESULTS = inspectionResults.codes;
export const inspectionResultLabels = inspectionResults.labels;
