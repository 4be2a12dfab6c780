import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Enterprise, OrgUnit, Person } from "../../db/entities";
import { Conflict, Invalid } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import type { RoleCode } from "../org/vocabulary";
import { creditCodeProblem } from "./creditCode";
import { checkOwners, type EnterpriseChange } from "./edit";
import { type AccountChange, setAccounts } from "./editAccounts";

export interface NewPerson extends AccountChange {
  name: string;
  mobile: string;
  unitId: number;
  roles: RoleCode[];
  active?: boolean;
}

/** Adds a person from the console (as one row of an import would): the mobile is their identity. */
export async function createPerson(db: Database, clock: Clock, actor: string, input: NewPerson): Promise<Person> {
  return db.transaction(async (tx) => {
    if (!(await tx.findOne(OrgUnit, { where: { id: input.unitId } }))) throw Invalid("所选单位不存在", undefined, "unit_not_found");
    if (await tx.count(Person, { where: { mobile: input.mobile } })) throw Conflict(`手机号 ${input.mobile} 已属于他人`, "mobile_taken");
    const now = clock.now();
    const fields = { name: input.name, mobile: input.mobile, unitId: input.unitId, roles: input.roles, active: input.active ?? true };
    const id = Number(((await tx.insert(Person, { ...fields, superiorId: null, preferredChannel: null, createdAt: now, updatedAt: now })).identifiers[0] as { id: number }).id);
    const { after: accounts } = await setAccounts(tx, id, { wecomUserId: input.wecomUserId ?? null, dingtalkUserId: input.dingtalkUserId ?? null }, now);
    await appendAudit(tx, { at: now, actor, action: "person.create", entityType: "person", entityId: id, before: null, after: { ...fields, ...accounts } });
    return tx.findOneByOrFail(Person, { id });
  });
}

export type NewEnterprise = Required<Pick<EnterpriseChange, "name" | "industry" | "scale" | "riskLevel" | "supervisingUnitId">> &
  Omit<EnterpriseChange, "active"> & { creditCode: string };

/**
 * Adds an enterprise from the console: the 统一社会信用代码 is its identity (checked like an
 * import's); the unit and the three responsible people are checked as an edit checks them.
 */
export async function createEnterprise(db: Database, clock: Clock, actor: string, input: NewEnterprise): Promise<Enterprise> {
  const creditCode = input.creditCode.trim().toUpperCase();
  const problem = creditCodeProblem(creditCode);
  if (problem) throw Invalid(`统一社会信用代码${problem}`, [{ where: "creditCode", message: problem }], "credit_code_invalid");
  return db.transaction(async (tx) => {
    if (await tx.count(Enterprise, { where: { creditCode } })) throw Conflict(`统一社会信用代码 ${creditCode} 已登记`, "credit_code_taken");
    if (!(await tx.findOne(OrgUnit, { where: { id: input.supervisingUnitId } }))) throw Invalid("所选监管单位不存在", undefined, "unit_not_found");
    await checkOwners(tx, input);
    const now = clock.now();
    const fields = {
      creditCode,
      name: input.name,
      industry: input.industry,
      scale: input.scale,
      riskLevel: input.riskLevel,
      address: input.address ?? null,
      supervisingUnitId: input.supervisingUnitId,
      adminOwnerId: input.adminOwnerId ?? null,
      supervisorOwnerId: input.supervisorOwnerId ?? null,
      enterpriseOwnerId: input.enterpriseOwnerId ?? null,
    };
    const id = Number(((await tx.insert(Enterprise, { ...fields, longitude: null, latitude: null, active: true, createdAt: now, updatedAt: now })).identifiers[0] as { id: number }).id);
    await appendAudit(tx, { at: now, actor, action: "enterprise.create", entityType: "enterprise", entityId: id, before: null, after: fields });
    return tx.findOneByOrFail(Enterprise, { id });
  });
}
