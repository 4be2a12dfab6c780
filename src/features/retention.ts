import { purgeExpired } from "../domain/retention";
import { retentionPurge } from "../../jobs/retention.job";
import { defineFeature } from "./feature";

/**
 * Retention of what people wrote (RETENTION_DAYS): a daily job over the core's inbox and the
 * console's lines. A feature of its own because a feature file builds only its own domain folder.
 */
export const retentionFeature = defineFeature({
  name: "retention",
  services: ({ db, config }) => ({ purge: (now: Date) => purgeExpired(db, now, config.retention.days) }),
  jobs: ({ purge }) => [retentionPurge(purge)],
});
