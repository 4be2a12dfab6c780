import { WarningMessage } from "../db/entities";
import { WarningService } from "../domain/warnings";
import { warningRoutes } from "../http/routes/warnings";
import { calloutsFeature } from "./callouts";
import { defineFeature } from "./feature";

/** 预警: weather and emergency warnings come in (CAP or JSON) and start 叫应 campaigns. */
export const warningsFeature = defineFeature({
  name: "warnings",
  needs: { callouts: calloutsFeature },
  services: ({ db, clock }, { callouts }) => new WarningService({ db, callouts, clock }),
  entities: [WarningMessage],
  routes: (warnings, { db, clock }) => [warningRoutes({ db, clock, warnings })],
});
