import { InspectionFrequency } from "../db/entities/InspectionFrequency";
import { QuotaRule } from "../db/entities/QuotaRule";
import { QuotaNudges, QuotaService } from "../domain/quotas";
import { quotaRoutes } from "../http/routes/quotas";
import { quotaNudges } from "../../jobs/quotaNudges.job";
import { defineFeature } from "./feature";

/** 日周月 quotas and 分级监管 inspection frequency, computed from the check-ins. */
export const quotasFeature = defineFeature({
  name: "quotas",
  services: ({ db, clock, outbox, channels }) => ({ quotas: new QuotaService({ db, clock }), nudges: new QuotaNudges({ db, clock, outbox, channels }) }),
  entities: [QuotaRule, InspectionFrequency],
  routes: ({ quotas }, { db, clock }) => [quotaRoutes({ db, clock, quotas })],
  jobs: ({ nudges }) => [quotaNudges(nudges)],
});
