import { TipHazard } from "../db/entities";
import { tipHazardRoutes } from "../http/routes/tipHazards";
import { defineFeature } from "./feature";
import { hazardsFeature } from "./hazards";
import { tipsFeature } from "./tips";

/** 举报转隐患: a substantiated tip becomes a hazard in one action, linked both ways. */
export const tipHazardsFeature = defineFeature({
  name: "tip_hazards",
  needs: { tips: tipsFeature, hazards: hazardsFeature },
  services: (_kernel, { tips, hazards }) => ({ tips, hazards: hazards.hazards }),
  entities: [TipHazard],
  routes: ({ tips, hazards }, { db, clock }) => [tipHazardRoutes({ db, clock, tips, hazards })],
});
