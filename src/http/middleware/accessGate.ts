import { timingSafeEqual } from "node:crypto";
import type { Context, Middleware } from "koa";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Person } from "../../db/entities";
import { type Access, accessOf, unitInScope } from "../../domain/access/scope";
import { countyWide, resourceInScope, unitNamed } from "../../domain/access/resources";
import type { Session, SessionStore } from "../../domain/access/sessions";
import { personForToken } from "../../domain/auth/apiTokens";
import { AppError, Unauthorized } from "../../errors";
import { ACCESS, type CompiledAccess, compileAccess, findAccess, type RouteAccess } from "../access";
import { lacking } from "../permissionLabels";

declare module "koa" {
  interface DefaultState {
    /** What the signed-in person may do and over which units; set by the access gate. */
    access?: Access;
    /** The console session the request came with (absent for bearer tokens). */
    session?: { id: string; data: Session };
  }
}

export const SESSION_COOKIE = "anshao_session";
export const CSRF_COOKIE = "anshao_csrf";
export const CSRF_HEADER = "x-csrf-token";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export const OutOfScope = (what = "该数据") => new AppError("out_of_scope", `${what}不在您的数据范围内`, 403);

/**
 * The one gate every `/api` request passes: finds the route's line in the access table, signs the
 * caller in (bearer token, or session cookie with its CSRF header on changes), and refuses what
 * the line does not allow — the permission, then the data scope of the `:id`, units named in the
 * query and units named in the body. Routes then narrow their lists by `ctx.state.access.scope`.
 */
export function accessGate(deps: { db: Database; clock: Clock; sessions: SessionStore; table?: readonly RouteAccess[] }): Middleware {
  const lines: CompiledAccess[] = compileAccess(deps.table ?? ACCESS);
  return async (ctx, next) => {
    if (!ctx.path.startsWith("/api/")) return next();
    // A CORS preflight carries no credentials: it passes where the path has a public line.
    if (ctx.method === "OPTIONS") {
      if ((["GET", "POST", "PUT", "PATCH", "DELETE"] as const).some((m) => findAccess(lines, m, ctx.path)?.line.who === "public")) return next();
      throw new AppError("route_not_found", "找不到该地址", 404);
    }
    const found = findAccess(lines, ctx.method, ctx.path);
    // Undeclared: no such route, or one nobody has given a line yet; either way nothing runs.
    if (!found) throw new AppError("route_not_found", "找不到该地址", 404);
    const { line, params } = found;
    if (line.who === "public") return next();
    const person = await signIn(ctx, deps);
    if (!person) throw Unauthorized("请先登录");
    const access = await accessOf(deps.db.manager, person);
    ctx.state.person = person;
    ctx.state.access = access;
    if (line.who !== "signed_in" && !access.permissions.includes(line.who)) {
      throw lacking(line.who);
    }
    await checkScope(ctx, deps.db, access, line, params);
    return next();
  };
}

/** The person of the bearer token or the session cookie; null when neither is valid. A cookie change needs its CSRF header. */
async function signIn(ctx: Context, deps: { db: Database; clock: Clock; sessions: SessionStore }): Promise<Person | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get("authorization"));
  if (bearer) return personForToken(deps.db, deps.clock, bearer[1] as string);
  const id = ctx.cookies.get(SESSION_COOKIE);
  if (!id) return null;
  const session = await deps.sessions.find(id);
  if (!session) return null;
  if (!SAFE.has(ctx.method) && !sameToken(ctx.get(CSRF_HEADER), session.csrf)) {
    throw new AppError("csrf_failed", "页面已过期，请刷新后重试", 403);
  }
  const person = await deps.db.manager.findOne(Person, { where: { id: session.personId } });
  if (!person?.active) return null;
  ctx.state.session = { id, data: session };
  return person;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function checkScope(ctx: Context, db: Database, access: Access, line: RouteAccess, params: Record<string, string>): Promise<void> {
  const scope = access.scope;
  const check = line.scope;
  if (!check || scope.unitIds === null) return;
  if (check.county && !countyWide(scope)) throw OutOfScope("全县范围的操作");
  const id = params.id === undefined ? NaN : Number(params.id);
  if (check.resource && Number.isInteger(id) && id > 0) {
    if ((await resourceInScope(db.manager, scope, check.resource, id)) === false) throw OutOfScope();
  }
  const named = [
    ...(check.unitQuery ?? []).flatMap((q) => {
      const v = ctx.query[q];
      return Array.isArray(v) ? v : v === undefined ? [] : [v];
    }),
    ...(check.bodyUnits ? check.bodyUnits(ctx.request.body) : []),
  ];
  for (const personId of check.bodyPeople ? check.bodyPeople(ctx.request.body) : []) {
    if ((await resourceInScope(db.manager, scope, "person", personId)) === false) throw OutOfScope(`人员（编号 ${personId}）`);
  }
  for (const value of named) {
    const unit = await unitNamed(db.manager, value);
    if (unit && !unitInScope(scope, unit.id)) throw OutOfScope(`单位“${unit.name}”`);
  }
}
