import { accessFeature } from "./access";
import { calloutsFeature } from "./callouts";
import { entitiesOf, flowsOf } from "./compose";
import { consoleFeature } from "./console";
import { coreFeature } from "./core";
import { digestFeature } from "./digest";
import { directoryFeature } from "./directory";
import { dutyFeature } from "./duty";
import type { AnyFeature } from "./feature";
import { hazardsFeature } from "./hazards";
import { inspectionsFeature } from "./inspections";
import { quotasFeature } from "./quotas";
import { reportsFeature } from "./reports";
import { retentionFeature } from "./retention";
import { tipsFeature } from "./tips";
import { tipHazardsFeature } from "./tipHazards";
import { warningsFeature } from "./warnings";

/**
 * Every feature of the product: the one list the composition root builds, the data source maps,
 * the bot offers and the scheduler runs. Adding a feature is a file in this folder, a line here
 * and its migration (migrations/index.ts). The order is the bot menu's and the routers' order;
 * a feature is built after the features it needs, wherever they stand.
 */
export const FEATURES: readonly AnyFeature[] = [
  accessFeature,
  coreFeature,
  directoryFeature,
  consoleFeature,
  inspectionsFeature,
  hazardsFeature,
  tipsFeature,
  tipHazardsFeature,
  calloutsFeature,
  warningsFeature,
  quotasFeature,
  dutyFeature,
  digestFeature,
  reportsFeature,
  retentionFeature,
];

/** Every entity the data source maps; listed by the features, not globbed, so ts-jest and compiled code agree. */
export const entities = entitiesOf(FEATURES);

/** Every conversation the bot offers, in menu order. */
export const flows = flowsOf(FEATURES);

export { hazardsFeature, calloutsFeature, tipsFeature };
