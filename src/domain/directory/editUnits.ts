import { Like } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OrgUnit } from "../../db/entities";
import { Conflict, Invalid, NotFound } from "../../errors";
import { appendAudit, diffFields } from "../audit/auditLog";
import type { UnitKind } from "../org/vocabulary";

export interface NewUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parentId: number;
}

export interface UnitChange {
  name?: string;
  kind?: UnitKind;
  parentId?: number;
}

/** Adds a unit under an existing one (the county's root is made by the first import). */
export async function createUnit(db: Database, clock: Clock, actor: string, input: NewUnit): Promise<OrgUnit> {
  return db.transaction(async (tx) => {
    const code = input.code.trim().toUpperCase();
    if (await tx.count(OrgUnit, { where: { code } })) throw Conflict(`单位编码 ${code} 已被使用`, "unit_code_taken");
    const parent = await tx.findOne(OrgUnit, { where: { id: input.parentId } });
    if (!parent) throw Invalid("所选上级单位不存在", undefined, "unit_not_found");
    const now = clock.now();
    const fields = { code, name: input.name, kind: input.kind, parentId: parent.id };
    const id = Number(((await tx.insert(OrgUnit, { ...fields, path: "/", wecomDeptId: null, createdAt: now, updatedAt: now })).identifiers[0] as { id: number }).id);
    await tx.update(OrgUnit, { id }, { path: `${parent.path}${id}/` });
    await appendAudit(tx, { at: now, actor, action: "unit.create", entityType: "org_unit", entityId: id, before: null, after: fields });
    return tx.findOneByOrFail(OrgUnit, { id });
  });
}

/**
 * Renames a unit or moves it under another parent; a move carries its whole subtree (every
 * `path` below is rewritten), and a unit cannot move under itself or its own subtree.
 */
export async function updateUnit(db: Database, clock: Clock, actor: string, id: number, change: UnitChange): Promise<OrgUnit> {
  return db.transaction(async (tx) => {
    const unit = await tx.findOne(OrgUnit, { where: { id } });
    if (!unit) throw NotFound("该单位", "unit_not_found");
    const { before, after } = diffFields(unit, change);
    if (Object.keys(after).length === 0) return unit;
    const now = clock.now();
    if (after.parentId !== undefined) {
      if (unit.parentId === null) throw Invalid("全县的最上级单位不能移动", [{ where: "parentId", message: "最上级单位没有上级" }], "unit_root_fixed");
      const parent = await tx.findOne(OrgUnit, { where: { id: after.parentId as number } });
      if (!parent) throw Invalid("所选上级单位不存在", undefined, "unit_not_found");
      if (parent.path.startsWith(unit.path)) throw Invalid("不能把单位移到它自己或它的下级单位之下", [{ where: "parentId", message: "上级单位不能是本单位或其下级" }], "unit_cycle");
      const path = `${parent.path}${unit.id}/`;
      const below = await tx.find(OrgUnit, { where: { path: Like(`${unit.path}%`) }, select: { id: true, path: true } });
      for (const u of below) await tx.update(OrgUnit, { id: u.id }, { path: path + u.path.slice(unit.path.length) });
    }
    const { parentId, name, kind } = after;
    await tx.update(OrgUnit, { id }, { ...(parentId !== undefined ? { parentId } : {}), ...(name !== undefined ? { name } : {}), ...(kind !== undefined ? { kind } : {}), updatedAt: now });
    await appendAudit(tx, { at: now, actor, action: "unit.update", entityType: "org_unit", entityId: id, before, after });
    return tx.findOneByOrFail(OrgUnit, { id });
  });
}
