import type { Middleware } from "koa";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { Person } from "../../db/entities";
import { personForToken } from "../../domain/auth/apiTokens";
import type { RoleCode } from "../../domain/org/vocabulary";
import { roles } from "../../domain/org/vocabulary";
import { Forbidden, Unauthorized } from "../../errors";

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
