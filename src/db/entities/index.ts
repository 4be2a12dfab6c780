import { ApiToken } from "./ApiToken";
import { AuditEntry } from "./AuditEntry";
import { Callout } from "./Callout";
import { CalloutRecipient } from "./CalloutRecipient";
import { ConsoleMessage } from "./ConsoleMessage";
import { Enterprise } from "./Enterprise";
import { Escalation } from "./Escalation";
import { EscalationStep } from "./EscalationStep";
import { Hazard } from "./Hazard";
import { HazardLedgerEntry } from "./HazardLedgerEntry";
import { HazardCounter } from "./HazardCounter";
import { HazardPhoto } from "./HazardPhoto";
import { InboundEventRow } from "./InboundEventRow";
import { Inspection } from "./Inspection";
import { InspectionPhoto } from "./InspectionPhoto";
import { OrgUnit } from "./OrgUnit";
import { OutboxDelivery } from "./OutboxDelivery";
import { OutboxMessage } from "./OutboxMessage";
import { Person } from "./Person";
import { Tip } from "./Tip";
import { TipCounter } from "./TipCounter";
import { TipPhoto } from "./TipPhoto";
import { WarningMessage } from "./WarningMessage";

export { ApiToken, AuditEntry, Enterprise, Hazard, HazardLedgerEntry, OrgUnit, Person };
export { InboundEventRow };
export type { InboundStatus } from "./InboundEventRow";
export { OutboxDelivery, OutboxMessage };
export { HazardCounter, HazardPhoto };
export { Escalation, EscalationStep };
export { Callout, CalloutRecipient };
export { ConsoleMessage };
export type { ConsoleDirection } from "./ConsoleMessage";
export { Inspection, InspectionPhoto };
export { Tip, TipCounter, TipPhoto };
export { WarningMessage };

/** Every entity the DataSource maps; listed, not globbed, so ts-jest and compiled code agree. */
export const entities = [OrgUnit, Person, Enterprise, AuditEntry, InboundEventRow, OutboxMessage, OutboxDelivery, ApiToken, Hazard, HazardLedgerEntry, HazardPhoto, HazardCounter, Escalation, EscalationStep, Callout, CalloutRecipient, ConsoleMessage, Inspection, InspectionPhoto, Tip, TipPhoto, TipCounter, WarningMessage];
