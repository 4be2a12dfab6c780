import { Hazard, HazardCounter, HazardLedgerEntry, HazardPhoto, SystemSetting } from "../db/entities";
import { HazardService } from "../domain/hazards";
import { HazardPicks } from "../domain/hazards/picks";
import { HazardNudges } from "../domain/hazards/nudges";
import { hazardRoutes } from "../http/routes/hazards";
import { assignmentFlow } from "../../bots/flows/assignment";
import { closingFlow } from "../../bots/flows/closing";
import { fixOnSpotFlow } from "../../bots/flows/fixOnSpot";
import { hazardPhotoFlow } from "../../bots/flows/hazardPhoto";
import { rectificationFlow } from "../../bots/flows/rectification";
import { transferFlow } from "../../bots/flows/transfer";
import { todoFlow } from "../../bots/flows/todo";
import { verificationFlow } from "../../bots/flows/verification";
import { hazardNudges } from "../../jobs/hazardNudges.job";
import { defineFeature } from "./feature";

/** 隐患: reported by photo, rectified, verified, and chased up the overdue ladder (nudges/). */
export const hazardsFeature = defineFeature({
  name: "hazards",
  services: ({ db, outbox, clock, config, channels }) => ({
    hazards: new HazardService({ db, outbox, clock, config: config.hazards, channels }),
    nudges: new HazardNudges({ db, outbox, clock, ladderDays: config.hazards.ladderDays, channels }),
  }),
  entities: [Hazard, HazardLedgerEntry, HazardPhoto, HazardCounter, SystemSetting],
  routes: ({ hazards }, { db, clock }) => [hazardRoutes({ db, clock, hazards })],
  flows: [hazardPhotoFlow, assignmentFlow, fixOnSpotFlow, transferFlow, rectificationFlow, verificationFlow, closingFlow, todoFlow],
  botServices: ({ hazards }, { db }) => ({ hazards, hazardPicks: new HazardPicks({ db }) }),
  jobs: ({ nudges }) => [hazardNudges(nudges)],
});
