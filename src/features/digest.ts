import { Digest } from "../db/entities/Digest";
import { DigestSetting } from "../db/entities/DigestSetting";
import { DigestService } from "../domain/digest";
import { digestRoutes } from "../http/routes/digests";
import { digestSettingsFlow } from "../../bots/flows/digestSettings";
import { digestTick } from "../../jobs/digest.job";
import { defineFeature } from "./feature";
import { dutyFeature } from "./duty";
import { quotasFeature } from "./quotas";

/** 每日简报 and 周调度: one message per leader per day, through the outbox. */
export const digestFeature = defineFeature({
  name: "digest",
  needs: { quotas: quotasFeature, duty: dutyFeature },
  services: ({ db, clock, outbox, channels, config }, { quotas, duty }) => ({
    digests: new DigestService({ db, clock, outbox, channels, quotas: quotas.quotas, duty: duty.digestSource, config: { hour: config.digest.hour, recipients: config.digest.recipients, dashboardUrl: config.digest.dashboardUrl } }),
  }),
  entities: [Digest, DigestSetting],
  routes: ({ digests }, { db, clock }) => [digestRoutes({ db, clock, digests })],
  flows: [digestSettingsFlow],
  botServices: ({ digests }) => ({ digests }),
  jobs: ({ digests }) => [digestTick(digests)],
});
