import { Inspection, InspectionPhoto } from "../db/entities";
import { InspectionService } from "../domain/inspections";
import { inspectionRoutes } from "../http/routes/inspections";
import { inspectionFlow } from "../../bots/flows/inspection";
import { defineFeature } from "./feature";

/** 巡查打卡: an inspector checks in at an enterprise; a hazard found there links to the check-in. */
export const inspectionsFeature = defineFeature({
  name: "inspections",
  services: ({ db, clock, config, media }) => new InspectionService({ db, clock, media, config: config.inspections }),
  entities: [Inspection, InspectionPhoto],
  routes: (inspections, { db, clock }) => [inspectionRoutes({ db, clock, inspections })],
  flows: [inspectionFlow],
  botServices: (inspections) => ({ inspections }),
});
