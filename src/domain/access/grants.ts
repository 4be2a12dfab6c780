import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { ConsoleGrant, OrgUnit, Person } from "../../db/entities";
import { In } from "typeorm";
import { Invalid, NotFound } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import type { ConsoleRole, DataScopeCode } from "./vocabulary";

/** An administrator's choice for a person: a console role (or none), a data scope (or the role's default); null resets to the directory's roles. */
export interface GrantChange {
  role?: ConsoleRole | "none" | null;
  scope?: { code: DataScopeCode; unitIds?: number[] } | null;
}

/** Sets or clears a person's console grant, audited. */
export async function setConsoleGrant(db: Database, clock: Clock, actor: string, personId: number, change: GrantChange): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await tx.findOne(Person, { where: { id: personId }, select: { id: true } }))) throw NotFound("该人员", "person_not_found");
    const unitIds = change.scope?.code === "custom" ? (change.scope.unitIds ?? []) : [];
    if (unitIds.length && (await tx.count(OrgUnit, { where: { id: In(unitIds) } })) !== new Set(unitIds).size) throw Invalid("自定义数据范围中有不存在的单位", undefined, "unit_not_found");
    const before = await tx.findOne(ConsoleGrant, { where: { personId } });
    const role = change.role === undefined ? (before?.role ?? null) : change.role;
    const scope = change.scope === undefined ? (before ? { code: before.scope, unitIds: before.unitIds } : null) : change.scope ? { code: change.scope.code, unitIds: unitIds.length ? unitIds.join(",") : null } : null;
    if (role === null && !scope?.code) {
      await tx.delete(ConsoleGrant, { personId });
    } else {
      if (role === null) throw Invalid("设置数据范围时请同时选择后台角色", undefined, "console_role_missing");
      await tx.save(ConsoleGrant, { personId, role, scope: (scope?.code as string | null) ?? null, unitIds: scope?.unitIds ?? null, updatedAt: clock.now() });
    }
    await appendAudit(tx, {
      at: clock.now(),
      actor,
      action: "console_grant.set",
      entityType: "person",
      entityId: personId,
      before: before ? { role: before.role, scope: before.scope, unitIds: before.unitIds } : null,
      after: { role, scope: scope?.code ?? null, unitIds: scope?.unitIds ?? null },
    });
  });
}
