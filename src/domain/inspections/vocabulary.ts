/** The closed vocabularies of inspection check-ins (巡查打卡), stored as codes and shown in Chinese. */

/** The kinds of check the seeds name; 明察暗访 is the "四不两直" unannounced visit. */
export const INSPECTION_KINDS = ["routine", "enforcement", "special", "supervision", "unannounced"] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export const inspectionKindLabels: Record<InspectionKind, string> = {
  routine: "日常巡查",
  enforcement: "执法检查",
  special: "专项检查",
  supervision: "督导检查",
  unannounced: "明察暗访",
};

export const INSPECTION_RESULTS = ["no_problem", "hazard_found"] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

export const inspectionResultLabels: Record<InspectionResult, string> = { no_problem: "无问题", hazard_found: "发现隐患" };
