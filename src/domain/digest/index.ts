export { DigestService, type DigestServiceDeps, type DigestConfig, type DigestPreview, type DigestRun } from "./DigestService";
export { composeDigest, fit, bytesOf, MARKDOWN_LIMIT_BYTES } from "./compose";
export type { DigestFigures, HazardLine, CalloutLine, RankLine } from "./figures";
export type { DigestChoice } from "./settings";
export { DIGEST_ROLES } from "./scope";
export { DUTY_OFF } from "./compose";
export type { DutySource, DutyToday, DutyScope, DutyShiftLine } from "./duty";
