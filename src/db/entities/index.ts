import { AuditEntry } from "./AuditEntry";
import { Enterprise } from "./Enterprise";
import { OrgUnit } from "./OrgUnit";
import { Person } from "./Person";

export { AuditEntry, Enterprise, OrgUnit, Person };

/** Every entity the DataSource maps; listed, not globbed, so ts-jest and compiled code agree. */
export const entities = [OrgUnit, Person, Enterprise, AuditEntry];
