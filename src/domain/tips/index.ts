// The tips feature's public face: the service, its inputs, its keys and its vocabulary.
export { TipService } from "./TipService";
export type { AcceptTipInput, AssignTipInput, CloseTipInput, RejectTipInput, ReportTipInput, RewardTipInput, TipChangeInput, TipPlace, TipServiceDeps } from "./types";
export { TipKeys, type TipIdentity } from "./keys";
export { loadTipKeys, type TipKeySettings } from "./keyFile";
export { isTipOverdue, actorPersonId, type TipDetail, type TipFilter, type TipNames, type TipPage } from "./queries";
export type { RevealedReporter, RevealInput } from "./reveal";
export { formatTipNumber } from "./numbering";
export { summaryOf } from "./messages";
export { placeOfTip } from "./notify";
export { isTipOfficer, TIP_OFFICER } from "./policy";
export { MAX_CONTENT_CHARS, MAX_TIP_PHOTOS, MIN_CONTENT_CHARS, TIPSTER_ACTOR } from "./report";
export * from "./vocabulary";
export { TRACKING_CODE } from "./publicCodes";
export type { PublicTipInput, PublicTipReceipt } from "./publicReport";
export { DEFAULT_PUBLIC_TIP_SETTINGS, type PublicTipSettings } from "./types";
export { publicStateLabels, type PublicTipStatus } from "./publicStatus";
export type { CategoryInput, CategoryView } from "./categories";
export type { Open311Query, Open311Request } from "./open311";
