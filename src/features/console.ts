import { ConsoleMessage } from "../db/entities";
import { defineFeature } from "./feature";

/**
 * The local console's message table. The console channel (its store, sender and inbound routes)
 * and its page are wired with the other channels in src/services.ts, since they exist only when
 * the console channel is enabled; the table exists either way, like every other.
 */
export const consoleFeature = defineFeature({
  name: "console",
  services: () => ({}),
  entities: [ConsoleMessage],
});
