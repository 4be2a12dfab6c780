import { ApiToken } from "./ApiToken";
import { AuditEntry } from "./AuditEntry";
import { Callout } from "./Callout";
import { CalloutRecipient } from "./CalloutRecipient";
import { CalloutStep } from "./CalloutStep";
import { Enterprise } from "./Enterprise";
import { Hazard } from "./Hazard";
import { HazardLedgerEntry } from "./HazardLedgerEntry";
import { HazardNudge } from "./HazardNudge";
import { HazardCounter } from "./HazardCounter";
import { HazardPhoto } from "./HazardPhoto";
import { InboundEventRow } from "./InboundEventRow";
import { OrgUnit } from "./OrgUnit";
import { OutboxDelivery } from "./OutboxDelivery";
import { OutboxMessage } from "./OutboxMessage";
import { Person } from "./Person";

export { ApiToken, AuditEntry, Enterprise, Hazard, HazardLedgerEntry, OrgUnit, Person };
export { InboundEventRow };
export type { InboundStatus } from "./InboundEventRow";
export { OutboxDelivery, OutboxMessage };
export { HazardCounter, HazardPhoto };
export { HazardNudge };
export { Callout, CalloutRecipient, CalloutStep };

/** Every entity the DataSource maps; listed, not globbed, so ts-jest and compiled code agree. */
export const entities = [OrgUnit, Person, Enterprise, AuditEntry, InboundEventRow, OutboxMessage, OutboxDelivery, ApiToken, Hazard, HazardLedgerEntry, HazardPhoto, HazardCounter, HazardNudge, Callout, CalloutRecipient, CalloutStep];
