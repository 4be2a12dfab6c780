import Router from "@koa/router";
import type { Context } from "koa";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OrgUnit, Person } from "../../db/entities";
import { appendAudit } from "../../domain/audit/auditLog";
import { checkPassword } from "../../domain/access/passwords";
import { accessOf } from "../../domain/access/scope";
import { SESSION, type SessionStore, type SignInLinks } from "../../domain/access/sessions";
import { AppError } from "../../errors";
import type { KeyValue } from "../../kv";
import { actor } from "../actor";
import { CSRF_COOKIE, SESSION_COOKIE } from "../middleware/accessGate";
import { presentMe } from "../presenters/presentMe";
import { one } from "../presenters/present";
import { parseInput } from "../validate";
import { LinkQuery, LoginBody } from "./auth.schema";

/** Failed sign-ins one address may make in a window, across all accounts. */
export const IP_FAILURES = { max: 30, windowMs: 15 * 60_000 } as const;

export interface AuthRouteDeps {
  db: Database;
  kv: KeyValue;
  clock: Clock;
  sessions: SessionStore;
  links: SignInLinks;
}

/** Where the console lives; a link or a messenger sign-in lands there. */
export const ADMIN_HOME = "/admin/";

/**
 * Signing in to the admin console: password, one-time link, sign-out and "who am I". A session is
 * a random id in an HttpOnly, SameSite=Strict cookie; its CSRF token sits in a readable cookie the
 * page echoes in the X-CSRF-Token header of every change (double submit), which the gate checks.
 */
export function authRoutes(deps: AuthRouteDeps): Router {
  const router = new Router({ prefix: "/api/auth" });

  router.post("/login", async (ctx) => {
    const body = parseInput(LoginBody, ctx.request.body ?? {});
    // Besides each account's lockout, one address guessing across many accounts is slowed down.
    const throttleKey = `signin-failures:${ctx.ip}`;
    if (Number((await deps.kv.get(throttleKey)) ?? 0) >= IP_FAILURES.max) {
      throw new AppError("too_many_attempts", `登录失败次数过多，请 ${IP_FAILURES.windowMs / 60_000} 分钟后再试`, 429);
    }
    try {
      const person = await checkPassword(deps.db, deps.clock, body.mobile, body.password);
      ctx.body = one(await startSession(ctx, deps, person, "password"));
    } catch (err) {
      if (err instanceof AppError && (err.code === "bad_credentials" || err.code === "account_locked")) await deps.kv.increment(throttleKey, IP_FAILURES.windowMs);
      throw err;
    }
  });

  router.post("/logout", async (ctx) => {
    if (ctx.state.session) await deps.sessions.destroy(ctx.state.session.id);
    clearCookies(ctx);
    ctx.status = 204;
  });

  router.get("/me", async (ctx) => {
    const person = actor(ctx);
    const unit = await deps.db.manager.findOneByOrFail(OrgUnit, { id: person.unitId });
    ctx.set("Cache-Control", "no-store");
    ctx.body = one(presentMe(person, unit, ctx.state.access ?? (await accessOf(deps.db.manager, person)), ctx.state.session?.data.csrf ?? null));
  });

  // A GET because it is a link to click; it works once, and only signs in the person it was made for.
  router.get("/link", async (ctx) => {
    const { token } = parseInput(LinkQuery, ctx.query);
    const personId = token ? await deps.links.redeem(token) : null;
    const person = personId ? await deps.db.manager.findOne(Person, { where: { id: personId } }) : null;
    ctx.set("Cache-Control", "no-store");
    if (!person?.active) return ctx.redirect(`${ADMIN_HOME}login?error=link_invalid`);
    await startSession(ctx, deps, person, "link");
    ctx.redirect(ADMIN_HOME);
  });

  return router;
}

/** Opens a session for `person`, sets its two cookies and audits the sign-in; answers what /me answers. */
export async function startSession(ctx: Context, deps: Pick<AuthRouteDeps, "db" | "clock" | "sessions">, person: Person, via: string) {
  const { id, session } = await deps.sessions.create(person.id, via);
  const common = { path: "/", sameSite: "strict" as const, secure: ctx.secure, maxAge: SESSION.maxMs, overwrite: true };
  ctx.cookies.set(SESSION_COOKIE, id, { ...common, httpOnly: true });
  ctx.cookies.set(CSRF_COOKIE, session.csrf, { ...common, httpOnly: false });
  await deps.db.write((m) =>
    appendAudit(m, { at: deps.clock.now(), actor: `person:${person.id}`, action: "sign_in", entityType: "person", entityId: person.id, after: { via }, requestId: ctx.state.requestId as string | undefined }),
  );
  const unit = await deps.db.manager.findOneByOrFail(OrgUnit, { id: person.unitId });
  return presentMe(person, unit, await accessOf(deps.db.manager, person), session.csrf);
}

function clearCookies(ctx: Context): void {
  for (const name of [SESSION_COOKIE, CSRF_COOKIE]) ctx.cookies.set(name, null, { path: "/", sameSite: "strict", secure: ctx.secure, overwrite: true });
}
