import { CoreDirectory1764115200000 } from "./1764115200000-CoreDirectory";
import { Inbox1764201600000 } from "./1764201600000-Inbox";
import { WecomContacts1764288000000 } from "./1764288000000-WecomContacts";
import { Outbox1764374400000 } from "./1764374400000-Outbox";
import { ApiTokens1764460800000 } from "./1764460800000-ApiTokens";
import { Hazards1764547200000 } from "./1764547200000-Hazards";

/** Every migration in order; listed, not globbed, so ts-jest and compiled code run the same set. */
export const migrations = [CoreDirectory1764115200000, Inbox1764201600000, WecomContacts1764288000000, Outbox1764374400000, ApiTokens1764460800000, Hazards1764547200000];
