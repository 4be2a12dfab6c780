import { ApiToken } from "./ApiToken";
import { AuditEntry } from "./AuditEntry";
import { Enterprise } from "./Enterprise";
import { Hazard } from "./Hazard";
import { HazardLedgerEntry } from "./HazardLedgerEntry";
import { InboundEventRow } from "./InboundEventRow";
import { OrgUnit } from "./OrgUnit";
import { OutboxDelivery } from "./OutboxDelivery";
import { OutboxMessage } from "./OutboxMessage";
import { Person } from "./Person";

export { ApiToken, AuditEntry, Enterprise, Hazard, HazardLedgerEntry, OrgUnit, Person };
export { InboundEventRow };
export type { InboundStatus } from "./InboundEventRow";
export { OutboxDelivery, OutboxMessage };

/** Every entity the DataSource maps; listed, not globbed, so ts-jest and compiled code agree. */
export const entities = [OrgUnit, Person, Enterprise, AuditEntry, InboundEventRow, OutboxMessage, OutboxDelivery, ApiToken, Hazard, HazardLedgerEntry];
