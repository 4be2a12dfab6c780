import { Enterprise, OrgUnit, Person, PersonAccount } from "../db/entities";
import { defineFeature } from "./feature";

/**
 * Units, people (with their messenger accounts) and enterprises (src/domain/org, src/domain/directory): imported and exported by
 * the CLIs, kept in step with WeChat Work by the channel's contact sync.
 */
export const directoryFeature = defineFeature({
  name: "directory",
  services: () => ({}),
  entities: [OrgUnit, Person, PersonAccount, Enterprise],
});
