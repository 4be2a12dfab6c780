import type { OrgUnit, Person } from "../../db/entities";
import type { Access } from "../../domain/access/scope";
import { consoleRoles, dataScopes } from "../../domain/access/vocabulary";
import { roles } from "../../domain/org/vocabulary";

const unitRef = (u: OrgUnit) => ({ id: u.id, code: u.code, name: u.name });

/** The signed-in person as the console needs them: who, roles, permissions (menus) and data scope. */
export function presentMe(person: Person, unit: OrgUnit, access: Access, csrfToken: string | null) {
  return {
    id: person.id,
    name: person.name,
    mobile: person.mobile,
    unit: unitRef(unit),
    roles: person.roles.filter((r) => roles.isCode(r)).map((r) => roles.present(r)),
    consoleRole: access.role ? consoleRoles.present(access.role) : null,
    consoleRoles: access.roles.map((r) => consoleRoles.present(r)),
    scope: { ...dataScopes.present(access.scope.code), units: access.scope.roots.map(unitRef) },
    permissions: access.permissions,
    csrfToken,
  };
}
