import Router from "@koa/router";
import type { Context } from "koa";
import { In } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { ConsoleGrant, Enterprise, OrgUnit, Person } from "../../db/entities";
import { consoleRolesOf, defaultScopeOf } from "../../domain/access/consoleRoles";
import { setConsoleGrant } from "../../domain/access/grants";
import { unitNamed } from "../../domain/access/resources";
import { consoleRoles, dataScopes } from "../../domain/access/vocabulary";
import { createEnterprise, createPerson } from "../../domain/directory/create";
import { listEnterprises, listPeople, updateEnterprise, updatePerson } from "../../domain/directory/edit";
import { accountsOf } from "../../domain/org/accounts";
import { industries, riskLevels, type RoleCode, roles, scales, unitKinds } from "../../domain/org/vocabulary";
import { PERIOD_KINDS } from "../../domain/duty";
import { inspectionKinds } from "../../domain/inspections/vocabulary";
import { checkDirectoryFiles, exportDirectory, importDirectoryFiles } from "../../domain/directory";
import { AppError, type FieldProblem, Forbidden, Invalid, NotFound } from "../../errors";
import { actor } from "../actor";
import { one } from "../presenters/present";
import { scopeNarrowing } from "../scope";
import { parseInput } from "../validate";
import { EnterpriseCreate, EnterprisePatch, EnterprisesQuery, IdParam, ImportQuery, PeopleQuery, PersonCreate, PersonPatch } from "./directory.schema";

const unitRef = (units: Map<number, OrgUnit>, id: number) => {
  const u = units.get(id);
  return u ? { id: u.id, code: u.code, name: u.name } : { id, code: null, name: null };
};

async function unitsById(db: Database, ids: number[]): Promise<Map<number, OrgUnit>> {
  const rows = ids.length ? await db.manager.find(OrgUnit, { where: { id: In([...new Set(ids)]) } }) : [];
  return new Map(rows.map((u) => [u.id, u]));
}

/**
 * Directory roles that reach the whole county's data (管理员, 举报受理人员): only an administrator
 * (who may set console roles) gives or takes them, so a town's staff cannot widen anyone's reach.
 */
const COUNTY_ROLES: readonly RoleCode[] = ["admin", "tip_officer"];

/** Refuses a change of console access by someone who may not set console roles (`settings:write`). */
function guardAccessChange(ctx: Context, change: { consoleRole?: unknown; scope?: unknown; roles?: readonly RoleCode[] }, before: readonly RoleCode[] = []): void {
  const access = ctx.state.access;
  if (!access || access.permissions.includes("settings:write")) return;
  if (change.consoleRole !== undefined || change.scope !== undefined) throw Forbidden("只有管理员可以设置后台角色和数据范围");
  const held = COUNTY_ROLES.filter((r) => before.includes(r));
  if (held.length) throw Forbidden(`该人员是${held.map((r) => roles.label(r)).join("、")}，只有管理员可以修改`);
  const touched = change.roles ? COUNTY_ROLES.filter((r) => change.roles?.includes(r) !== before.includes(r)) : [];
  if (touched.length) throw Forbidden(`只有管理员可以授予或取消“${touched.map((r) => roles.label(r)).join("”“")}”角色`);
}

/** 通讯录: people and enterprises within the caller's scope; who may edit is in the access table, where the gate checks the data scope. */
export function directoryRoutes(deps: { db: Database; clock: Clock }): Router {
  const router = new Router({ prefix: "/api" });
  const m = deps.db.manager;

  const presentPeople = async (people: Person[]) => {
    const units = await unitsById(deps.db, people.map((p) => p.unitId));
    const grants = people.length ? await m.find(ConsoleGrant, { where: { personId: In(people.map((p) => p.id)) } }) : [];
    const accounts = await accountsOf(m, people.map((p) => p.id));
    return people.map((p) => {
      const grant = grants.find((g) => g.personId === p.id);
      const role = grant ? (consoleRoles.isCode(grant.role) ? grant.role : null) : (consoleRolesOf(p)[0] ?? null);
      const scope = grant?.scope && dataScopes.isCode(grant.scope) ? grant.scope : role ? defaultScopeOf(p, role) : null;
      return {
        id: p.id,
        name: p.name,
        mobile: p.mobile,
        unit: unitRef(units, p.unitId),
        roles: p.roles.filter((r) => roles.isCode(r)).map((r) => roles.present(r)),
        wecomUserId: accounts.get(p.id)?.get("wecom") ?? null,
        dingtalkUserId: accounts.get(p.id)?.get("dingtalk") ?? null,
        active: p.active,
        consoleRole: role ? consoleRoles.present(role) : null,
        scope: scope ? { ...dataScopes.present(scope), unitIds: grant?.unitIds ? grant.unitIds.split(",").map(Number) : [] } : null,
        consoleRoleSetByAdmin: Boolean(grant),
      };
    });
  };

  const presentEnterprises = async (list: Enterprise[]) => {
    const units = await unitsById(deps.db, list.map((e) => e.supervisingUnitId));
    const ownerIds = [...new Set(list.flatMap((e) => [e.adminOwnerId, e.supervisorOwnerId, e.enterpriseOwnerId]).filter((id): id is number => id !== null))];
    const owners = new Map((ownerIds.length ? await m.find(Person, { where: { id: In(ownerIds) }, select: { id: true, name: true } }) : []).map((p) => [p.id, p.name]));
    const owner = (id: number | null) => (id === null ? null : { id, name: owners.get(id) ?? null });
    return list.map((e) => ({
      id: e.id,
      name: e.name,
      creditCode: e.creditCode,
      industry: industries.present(e.industry),
      scale: scales.present(e.scale),
      riskLevel: riskLevels.present(e.riskLevel),
      address: e.address,
      supervisingUnit: unitRef(units, e.supervisingUnitId),
      adminOwnerId: e.adminOwnerId,
      supervisorOwnerId: e.supervisorOwnerId,
      enterpriseOwnerId: e.enterpriseOwnerId,
      /** 三个责任人 with their names: 行政负责人, 行业部门监管负责人, 企业单位负责人. */
      owners: { admin: owner(e.adminOwnerId), supervisor: owner(e.supervisorOwnerId), enterprise: owner(e.enterpriseOwnerId) },
      active: e.active,
    }));
  };

  const chosenUnit = async (value: string | undefined) => {
    if (!value) return null;
    const unit = await unitNamed(m, value);
    if (!unit) throw NotFound(`单位“${value}”`, "unit_not_found");
    return unit;
  };

  // The choices the console's forms offer, as the server names them (one source for codes and labels).
  const listed = (v: { codes: readonly string[]; labelOf: (c: never) => string }) => v.codes.map((code) => ({ code, label: v.labelOf(code as never) }));
  router.get("/directory/vocabulary", (ctx) => {
    ctx.body = one({
      roles: listed(roles),
      unitKinds: listed(unitKinds),
      industries: listed(industries),
      scales: listed(scales),
      riskLevels: listed(riskLevels),
      consoleRoles: listed(consoleRoles),
      dataScopes: listed(dataScopes),
      inspectionKinds: listed(inspectionKinds),
      periodKinds: Object.entries(PERIOD_KINDS).map(([code, label]) => ({ code, label })),
    });
  });

  router.get("/people", async (ctx) => {
    const q = parseInput(PeopleQuery, ctx.query);
    const { withinUnits, ownOnly } = scopeNarrowing(ctx);
    const result = await listPeople(m, { ...q, active: q.active === undefined ? undefined : q.active === "true", withinUnits: ownOnly ? [] : (withinUnits ?? null), unit: await chosenUnit(q.unit) });
    ctx.body = { data: await presentPeople(result.items), paging: { page: result.page, pageSize: result.pageSize, total: result.total } };
  });

  router.get("/people/:id", async (ctx) => {
    const person = await m.findOne(Person, { where: { id: parseInput(IdParam, ctx.params.id) } });
    if (!person) throw NotFound("该人员", "person_not_found");
    ctx.body = one((await presentPeople([person]))[0]);
  });

  router.post("/people", async (ctx) => {
    const input = parseInput(PersonCreate, ctx.request.body ?? {});
    guardAccessChange(ctx, input);
    const person = await createPerson(deps.db, deps.clock, `person:${actor(ctx).id}`, input);
    ctx.status = 201;
    ctx.body = one((await presentPeople([person]))[0]);
  });

  router.patch("/people/:id", async (ctx) => {
    const id = parseInput(IdParam, ctx.params.id);
    const { consoleRole, scope, ...change } = parseInput(PersonPatch, ctx.request.body ?? {});
    guardAccessChange(ctx, { consoleRole, scope, roles: change.roles }, (await m.findOne(Person, { where: { id }, select: { id: true, roles: true } }))?.roles);
    const by = `person:${actor(ctx).id}`;
    const person = await updatePerson(deps.db, deps.clock, by, id, change);
    if (consoleRole !== undefined || scope !== undefined) await setConsoleGrant(deps.db, deps.clock, by, id, { role: consoleRole, scope });
    ctx.body = one((await presentPeople([person]))[0]);
  });

  router.get("/enterprises", async (ctx) => {
    const q = parseInput(EnterprisesQuery, ctx.query);
    const { withinUnits, ownOnly } = scopeNarrowing(ctx);
    const result = await listEnterprises(m, { ...q, withinUnits: ownOnly ? [] : (withinUnits ?? null), unit: await chosenUnit(q.unit) });
    ctx.body = { data: await presentEnterprises(result.items), paging: { page: result.page, pageSize: result.pageSize, total: result.total } };
  });

  router.get("/enterprises/:id", async (ctx) => {
    const list = await m.find(Enterprise, { where: { id: parseInput(IdParam, ctx.params.id) } });
    if (!list.length) throw NotFound("该企业", "enterprise_not_found");
    ctx.body = one((await presentEnterprises(list))[0]);
  });

  router.post("/enterprises", async (ctx) => {
    const enterprise = await createEnterprise(deps.db, deps.clock, `person:${actor(ctx).id}`, parseInput(EnterpriseCreate, ctx.request.body ?? {}));
    ctx.status = 201;
    ctx.body = one((await presentEnterprises([enterprise]))[0]);
  });

  router.patch("/enterprises/:id", async (ctx) => {
    const id = parseInput(IdParam, ctx.params.id);
    const change = parseInput(EnterprisePatch, ctx.request.body ?? {});
    const enterprise = await updateEnterprise(deps.db, deps.clock, `person:${actor(ctx).id}`, id, change);
    ctx.body = one((await presentEnterprises([enterprise]))[0]);
  });

  // Import and export with the same workbook template as `npm run import` / `npm run export`: all or nothing, every problem listed.
  router.post("/directory/import", async (ctx) => {
    const q = parseInput(ImportQuery, ctx.query);
    const content = ctx.request.rawBody ?? Buffer.alloc(0);
    if (content.length === 0) throw Invalid("请上传通讯录文件（xlsx 或 csv）", undefined, "import_empty");
    const name = q.name ?? (ctx.is("text/csv") ? "directory.csv" : "directory.xlsx");
    const files = [{ name, content }];
    if (q.dryRun === "true") {
      const problems = await checkDirectoryFiles(deps.db, files);
      ctx.body = one({ ok: problems.length === 0, dryRun: true, problems, summary: null });
      return;
    }
    try {
      const summary = await importDirectoryFiles(deps.db, deps.clock, files, { actor: `person:${actor(ctx).id}` });
      ctx.body = one({ ok: true, dryRun: false, problems: [], summary });
    } catch (err) {
      // Nothing was written; the page lists the rows to fix.
      if (err instanceof AppError && err.code === "import_invalid") {
        ctx.body = one({ ok: false, dryRun: false, problems: (err.details as { problems?: FieldProblem[] } | undefined)?.problems ?? [], summary: null });
        return;
      }
      throw err;
    }
  });

  router.get("/directory/export", async (ctx) => {
    const { content } = await exportDirectory(deps.db);
    ctx.set("Content-Disposition", `attachment; filename="directory.xlsx"; filename*=UTF-8''${encodeURIComponent("通讯录.xlsx")}`);
    ctx.set("Cache-Control", "no-store");
    ctx.type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    ctx.body = content;
  });

  return router;
}
