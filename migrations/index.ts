import { CoreDirectory1764115200000 } from "./1764115200000-CoreDirectory";
import { Inbox1764201600000 } from "./1764201600000-Inbox";
import { WecomContacts1764288000000 } from "./1764288000000-WecomContacts";
import { Outbox1764374400000 } from "./1764374400000-Outbox";
import { ApiTokens1764460800000 } from "./1764460800000-ApiTokens";
import { Hazards1764547200000 } from "./1764547200000-Hazards";
import { HazardPhotos1764633600000 } from "./1764633600000-HazardPhotos";
import { HazardNudges1764720000000 } from "./1764720000000-HazardNudges";
import { Callouts1764806400000 } from "./1764806400000-Callouts";
import { ConsoleMessages1764892800000 } from "./1764892800000-ConsoleMessages";
import { Tips1764979200000 } from "./1764979200000-Tips";
import { Inspections1765065600000 } from "./1765065600000-Inspections";
import { WarningMessages1765152000000 } from "./1765152000000-WarningMessages";
import { PersonAccounts1765238400000 } from "./1765238400000-PersonAccounts";
import { BotConversations1765324800000 } from "./1765324800000-BotConversations";
import { Escalations1765411200000 } from "./1765411200000-Escalations";
import { Digests1765584000000 } from "./1765584000000-Digests";
import { JobLocks1765670400000 } from "./1765670400000-JobLocks";
import { OutboxGiveUp1765756800000 } from "./1765756800000-OutboxGiveUp";
import { PublicTips1765843200000 } from "./1765843200000-PublicTips";
import { Duty1765929600000 } from "./1765929600000-Duty";
import { AdminConsole1766016000000 } from "./1766016000000-AdminConsole";
import { DigestIndexesHalfYear1766188800000 } from "./1766188800000-DigestIndexesHalfYear";
import { DigestCoveringIndexes1766280000000 } from "./1766280000000-DigestCoveringIndexes";
import { SystemSettings1766448000000 } from "./1766448000000-SystemSettings";

/** Every migration in order; listed, not globbed, so ts-jest and compiled code run the same set. */
export const migrations = [CoreDirectory1764115200000, Inbox1764201600000, WecomContacts1764288000000, Outbox1764374400000, ApiTokens1764460800000, Hazards1764547200000, HazardPhotos1764633600000, HazardNudges1764720000000, Callouts1764806400000, ConsoleMessages1764892800000, Tips1764979200000, Inspections1765065600000, WarningMessages1765152000000, PersonAccounts1765238400000, BotConversations1765324800000, Escalations1765411200000, Digests1765584000000, JobLocks1765670400000, OutboxGiveUp1765756800000, PublicTips1765843200000, Duty1765929600000, AdminConsole1766016000000, DigestIndexesHalfYear1766188800000, DigestCoveringIndexes1766280000000, SystemSettings1766448000000];
