import type { Middleware } from "koa";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Person } from "../../db/entities";
import { accessOf } from "../../domain/access/scope";
import type { Permission } from "../../domain/access/vocabulary";
import { personForToken } from "../../domain/auth/apiTokens";
import type { RoleCode } from "../../domain/org/vocabulary";
import { roles } from "../../domain/org/vocabulary";
import { Forbidden, Unauthorized } from "../../errors";
import { lacking } from "../permissionLabels";

declare module "koa" {
  interface DefaultState {
    /** The person the request acts as, set by `authenticate`. */
    person?: Person;
  }
}

/** Requires `Authorization: Bearer <token>` of an active person (tokens: `npm run token`). */
export function authenticate(deps: { db: Database; clock: Clock }): Middleware {
  return async (ctx, next) => {
    // Already signed in by the access gate (session cookie or token).
    if (ctx.state.person) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(ctx.get("authorization"));
    const person = match ? await personForToken(deps.db, deps.clock, match[1] as string) : null;
    if (!person) throw Unauthorized("请先登录：请求需携带有效的访问令牌（Authorization: Bearer …）");
    ctx.state.person = person;
    return next();
  };
}

/**
 * The permission a route's line in src/http/access.ts names, checked again by the route itself so
 * that it holds where the route is mounted without the gate (an app assembled from a few routers):
 * the gate's answer when it ran, else the same rule — an administrator's console grant, or what the
 * person's directory roles give. Unlike `requireRole`, a console grant counts.
 */
export function requirePermission(db: Database, permission: Permission): Middleware {
  return async (ctx, next) => {
    const person = ctx.state.person;
    const access = ctx.state.access ?? (person ? await accessOf(db.manager, person) : null);
    if (!access?.permissions.includes(permission)) throw lacking(permission);
    return next();
  };
}

/** Lets the request through only for people holding one of `allowed`. */
export function requireRole(...allowed: RoleCode[]): Middleware {
  return async (ctx, next) => {
    const person = ctx.state.person;
    if (!person || !person.roles.some((r) => allowed.includes(r))) {
      throw Forbidden(`没有权限：需要以下角色之一：${allowed.map((r) => roles.label(r)).join("、")}`);
    }
    return next();
  };
}
