import { type EntityManager, Like } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { OrgUnit } from "../../db/entities";
import { appendAudit, diffFields } from "../audit/auditLog";
import { type ContactDepartment, type ContactSyncResult, unitCodeFor } from "./contactSource";
import type { UnitKind } from "./vocabulary";

/**
 * Departments → org units, inside the caller's transaction. A unit is found by its linked
 * department id, else by the code sync gives it (`wecom-dept-<id>`); otherwise it is created.
 * Sync owns only the units it created: their name and place in the tree follow WeChat Work.
 * A unit an administrator linked (a code of their own) keeps its name, kind and parent.
 */
export class ContactUnits {
  private readonly byDept = new Map<number, OrgUnit>();

  constructor(
    private readonly tx: EntityManager,
    private readonly audit: { at: Date; actor: string },
    private readonly result: ContactSyncResult,
    /** Whose departments: WeChat Work's are linked through `wecom_dept_id` as well as by code, others by code alone. */
    private readonly channel: ChannelId = "wecom",
  ) {}

  /** Whether `unit` mirrors a department of this messenger (sync may then move people out of it). */
  isLinked(unit: OrgUnit): boolean {
    return this.channel === "wecom" ? unit.wecomDeptId != null : unit.code.startsWith(`${this.channel}-dept-`);
  }

  /** The unit mirroring a department, if there is one. */
  async forDepartment(departmentId: number): Promise<OrgUnit | null> {
    const known = this.byDept.get(departmentId);
    if (known) return known;
    const unit =
      (this.channel === "wecom" ? await this.tx.findOne(OrgUnit, { where: { wecomDeptId: departmentId } }) : null) ??
      (await this.tx.findOne(OrgUnit, { where: { code: unitCodeFor(departmentId, this.channel) } }));
    if (unit) this.byDept.set(departmentId, unit);
    return unit;
  }

  /** Creates or updates the unit of `dept`; its parent department must have been applied first. */
  async apply(dept: ContactDepartment): Promise<OrgUnit> {
    const parent = dept.parentId === null ? null : await this.forDepartment(dept.parentId);
    const unit = await this.forDepartment(dept.id);
    if (!unit) return this.create(dept, parent);
    const owned = unit.code === unitCodeFor(dept.id, this.channel);
    const next: Partial<OrgUnit> = this.channel === "wecom" ? { wecomDeptId: dept.id } : {};
    if (owned) {
      next.name = dept.name.slice(0, 100);
      if (!parent || !parent.path.includes(`/${unit.id}/`)) next.parentId = parent?.id ?? null;
    }
    const { before, after } = diffFields(unit, next);
    if (Object.keys(after).length === 0) return unit;
    if ("wecomDeptId" in after && Object.keys(after).length === 1) this.result.units.linked += 1;
    else this.result.units.updated += 1;
    const oldPath = unit.path;
    Object.assign(unit, after, { updatedAt: this.audit.at });
    if ("parentId" in after) unit.path = `${parent?.path ?? "/"}${unit.id}/`;
    await this.tx.save(OrgUnit, unit);
    if (unit.path !== oldPath) await this.repath(oldPath, unit.path, unit.id);
    await appendAudit(this.tx, { ...this.audit, action: "org_unit.sync_update", entityType: "org_unit", entityId: unit.id, before, after });
    return unit;
  }

  private async create(dept: ContactDepartment, parent: OrgUnit | null): Promise<OrgUnit> {
    const fields = {
      code: unitCodeFor(dept.id, this.channel),
      name: dept.name.slice(0, 100),
      kind: guessUnitKind(dept.name, parent),
      parentId: parent?.id ?? null,
      wecomDeptId: this.channel === "wecom" ? dept.id : null,
    };
    const unit = this.tx.create(OrgUnit, { ...fields, path: "/", createdAt: this.audit.at, updatedAt: this.audit.at });
    await this.tx.save(OrgUnit, unit);
    // The path holds the unit's own id, known only once it is inserted.
    unit.path = `${parent?.path ?? "/"}${unit.id}/`;
    await this.tx.update(OrgUnit, { id: unit.id }, { path: unit.path });
    this.byDept.set(dept.id, unit);
    this.result.units.created += 1;
    await appendAudit(this.tx, { ...this.audit, action: "org_unit.sync_create", entityType: "org_unit", entityId: unit.id, after: fields });
    return unit;
  }

  /** Moves the descendants of a unit that changed parent along with it. */
  private async repath(oldPath: string, newPath: string, movedId: number): Promise<void> {
    const below = await this.tx.find(OrgUnit, { where: { path: Like(`${oldPath}%`) } });
    for (const unit of below) {
      if (unit.id === movedId) continue;
      unit.path = newPath + unit.path.slice(oldPath.length);
      await this.tx.update(OrgUnit, { id: unit.id }, { path: unit.path });
    }
  }
}

/**
 * A first guess at the kind of a unit made from a department, from its name and place; an
 * administrator corrects it in the directory, and sync never changes a kind once set.
 */
export function guessUnitKind(name: string, parent: Pick<OrgUnit, "kind"> | null): UnitKind {
  if (!parent) return "bureau";
  if (/(村|社区|居委会|村委会)$/.test(name)) return "village";
  if (/(镇|乡|街道|街道办事处|街道办)$/.test(name)) return "town";
  if (/(中队|大队|支队)$/.test(name)) return "squad";
  if (parent.kind === "town") return "village";
  return "department";
}

/** Parents before children, so each department's parent unit exists when it is applied. */
export function parentsFirst(departments: ContactDepartment[]): ContactDepartment[] {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const depth = (d: ContactDepartment, seen = new Set<number>()): number => {
    const parent = d.parentId === null ? undefined : byId.get(d.parentId);
    if (!parent || seen.has(d.id)) return 0;
    seen.add(d.id);
    return 1 + depth(parent, seen);
  };
  return [...departments].map((d) => ({ d, n: depth(d) })).sort((a, b) => a.n - b.n || a.d.id - b.d.id).map((x) => x.d);
}
