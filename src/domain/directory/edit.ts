import { type EntityManager, In, Like } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Enterprise, OrgUnit, Person } from "../../db/entities";
import { LIKE_ESCAPE, likeContaining } from "../../db/like";
import { Conflict, Invalid, NotFound } from "../../errors";
import { appendAudit, diffFields } from "../audit/auditLog";
import type { EnterpriseScale, Industry, RiskLevel, RoleCode } from "../org/vocabulary";
import { type AccountChange, accountFieldsOf, setAccounts } from "./editAccounts";

/** Narrowing shared by the directory lists: the viewer's scope (null: all) and a chosen unit's subtree. */
export interface DirectoryScope {
  withinUnits: readonly number[] | null;
  unit?: OrgUnit | null;
  page?: number;
  pageSize?: number;
}

async function subtree(m: EntityManager, unit: OrgUnit): Promise<number[]> {
  return (await m.find(OrgUnit, { where: { path: Like(`${unit.path}%`) }, select: { id: true } })).map((u) => u.id);
}

async function unitsFor(m: EntityManager, s: DirectoryScope): Promise<number[] | null> {
  let ids: number[] | null = s.withinUnits ? [...s.withinUnits] : null;
  if (s.unit) {
    const below = await subtree(m, s.unit);
    ids = ids ? below.filter((id) => ids?.includes(id)) : below;
  }
  return ids;
}

const paging = (s: DirectoryScope) => {
  const page = Math.max(1, s.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, s.pageSize ?? 20));
  return { page, pageSize, skip: (page - 1) * pageSize };
};

/** People of the directory, by name, within the scope. */
export async function listPeople(m: EntityManager, s: DirectoryScope & { q?: string; role?: RoleCode; active?: boolean }) {
  const { page, pageSize, skip } = paging(s);
  const q = m.createQueryBuilder(Person, "p");
  const units = await unitsFor(m, s);
  if (units) q.andWhere(units.length ? "p.unit_id IN (:...units)" : "1 = 0", { units });
  if (s.q) q.andWhere(`(p.name LIKE :q ${LIKE_ESCAPE} OR p.mobile LIKE :q ${LIKE_ESCAPE})`, { q: likeContaining(s.q) });
  // Roles are a comma list (`inspector,dept_supervisor`): the code alone, first, last or between commas.
  if (s.role) q.andWhere("(p.roles = :r OR p.roles LIKE :first OR p.roles LIKE :last OR p.roles LIKE :mid)", { r: s.role, first: `${s.role},%`, last: `%,${s.role}`, mid: `%,${s.role},%` });
  if (s.active !== undefined) q.andWhere("p.active = :active", { active: s.active });
  const [items, total] = await q.orderBy("p.unit_id", "ASC").addOrderBy("p.id", "ASC").skip(skip).take(pageSize).getManyAndCount();
  return { items, total, page, pageSize };
}

/** Enterprises of the directory, by name, within the scope (of their supervising unit). */
export async function listEnterprises(m: EntityManager, s: DirectoryScope & { q?: string; industry?: Industry; riskLevel?: RiskLevel }) {
  const { page, pageSize, skip } = paging(s);
  const q = m.createQueryBuilder(Enterprise, "e");
  const units = await unitsFor(m, s);
  if (units) q.andWhere(units.length ? "e.supervising_unit_id IN (:...units)" : "1 = 0", { units });
  if (s.q) q.andWhere(`(e.name LIKE :q ${LIKE_ESCAPE} OR e.credit_code LIKE :q ${LIKE_ESCAPE})`, { q: likeContaining(s.q) });
  if (s.industry) q.andWhere("e.industry = :industry", { industry: s.industry });
  if (s.riskLevel) q.andWhere("e.risk_level = :risk", { risk: s.riskLevel });
  const [items, total] = await q.orderBy("e.name", "ASC").addOrderBy("e.id", "ASC").skip(skip).take(pageSize).getManyAndCount();
  return { items, total, page, pageSize };
}

export interface PersonChange extends AccountChange {
  name?: string;
  mobile?: string;
  unitId?: number;
  roles?: RoleCode[];
  active?: boolean;
}

/** Edits a person from the console: checked like an import row, audited field by field (messenger accounts included). */
export async function updatePerson(db: Database, clock: Clock, actor: string, id: number, change: PersonChange): Promise<Person> {
  return db.transaction(async (tx) => {
    const person = await tx.findOne(Person, { where: { id } });
    if (!person) throw NotFound("该人员", "person_not_found");
    if (change.unitId !== undefined && !(await tx.findOne(OrgUnit, { where: { id: change.unitId } }))) throw Invalid("所选单位不存在", undefined, "unit_not_found");
    if (change.mobile && change.mobile !== person.mobile && (await tx.count(Person, { where: { mobile: change.mobile } }))) {
      throw Conflict(`手机号 ${change.mobile} 已属于他人`, "mobile_taken");
    }
    const { accounts, columns } = accountFieldsOf(change);
    const own = diffFields(person, columns);
    const held = await setAccounts(tx, id, accounts, clock.now());
    const before = { ...own.before, ...held.before };
    const after = { ...own.after, ...held.after };
    if (Object.keys(after).length === 0) return person;
    if (Object.keys(own.after).length) await tx.update(Person, { id }, { ...own.after, updatedAt: clock.now() });
    await appendAudit(tx, { at: clock.now(), actor, action: "person.update", entityType: "person", entityId: id, before, after });
    return tx.findOneByOrFail(Person, { id });
  });
}

export interface EnterpriseChange {
  name?: string;
  address?: string | null;
  industry?: Industry;
  scale?: EnterpriseScale;
  riskLevel?: RiskLevel;
  supervisingUnitId?: number;
  adminOwnerId?: number | null;
  supervisorOwnerId?: number | null;
  enterpriseOwnerId?: number | null;
  active?: boolean;
}

/** The 三个责任人 an enterprise names must exist and be active. */
export async function checkOwners(tx: EntityManager, owners: Pick<EnterpriseChange, "adminOwnerId" | "supervisorOwnerId" | "enterpriseOwnerId">): Promise<void> {
  const people = [owners.adminOwnerId, owners.supervisorOwnerId, owners.enterpriseOwnerId].filter((p): p is number => typeof p === "number");
  if (!people.length) return;
  const found = await tx.find(Person, { where: { id: In(people), active: true }, select: { id: true } });
  const missing = people.filter((p) => !found.some((f) => f.id === p));
  if (missing.length) throw Invalid(`以下负责人不存在或已停用：${missing.join("、")}`, undefined, "person_not_found");
}

/** Edits an enterprise from the console: the unit and the three responsible people must exist; audited. */
export async function updateEnterprise(db: Database, clock: Clock, actor: string, id: number, change: EnterpriseChange): Promise<Enterprise> {
  return db.transaction(async (tx) => {
    const enterprise = await tx.findOne(Enterprise, { where: { id } });
    if (!enterprise) throw NotFound("该企业", "enterprise_not_found");
    if (change.supervisingUnitId !== undefined && !(await tx.findOne(OrgUnit, { where: { id: change.supervisingUnitId } }))) throw Invalid("所选监管单位不存在", undefined, "unit_not_found");
    await checkOwners(tx, change);
    const { before, after } = diffFields(enterprise, change);
    if (Object.keys(after).length === 0) return enterprise;
    await tx.update(Enterprise, { id }, { ...after, updatedAt: clock.now() });
    await appendAudit(tx, { at: clock.now(), actor, action: "enterprise.update", entityType: "enterprise", entityId: id, before, after });
    return tx.findOneByOrFail(Enterprise, { id });
  });
}
