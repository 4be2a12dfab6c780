import type { Context, Middleware } from "koa";
import type { Clock } from "../clock";
import type { Database } from "../db/Database";
import type { Person } from "../db/entities";
import { appendAudit } from "../domain/audit/auditLog";
import { hasMessengerAccount } from "../domain/org/messengerAccounts";
import { Forbidden } from "../errors";
import { authenticate, requireRole } from "../http/middleware/auth";

declare module "koa" {
  interface DefaultState {
    /** Set by `consoleGuard` when the console acts only as the signed-in administrator or for test accounts. */
    consoleRestricted?: boolean;
  }
}

/**
 * Who may use the console. In the laptop demo (SQLite, no messenger, not production) anyone who
 * reaches it, as anyone: the server listens on loopback there. Everywhere else an administrator's
 * API token (`npm run token`), and then the console may not become a back door: it acts only as
 * that administrator or for people without a messenger account (test accounts) — never as someone
 * who could read their own 我的举报 or answer their own 叫应 — and every use is an audit line.
 */
export function consoleGuard(deps: { db: Database; clock: Clock }, requireLogin: boolean): Middleware[] {
  return requireLogin ? [authenticate(deps), requireRole("admin"), actsOnlyForTestAccounts(deps)] : [];
}

/** True when the console needs no sign-in yet listens beyond this machine (HOST not loopback): worth a warning at start. */
export function consoleOpenBeyondLoopback(settings: { host: string; consoleEnabled: boolean; requireLogin: boolean }): boolean {
  const loopback = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i.test(settings.host);
  return settings.consoleEnabled && !settings.requireLogin && !loopback;
}

function actsOnlyForTestAccounts(deps: { db: Database; clock: Clock }): Middleware {
  return async (ctx, next) => {
    const admin = ctx.state.person as Person;
    const raw = (ctx.params as Record<string, string | undefined> | undefined)?.personId;
    const personId = raw !== undefined && /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : null;
    const allowed = personId === null || personId === admin.id || !(await hasMessengerAccount(deps.db, personId));
    await appendAudit(deps.db.manager, {
      at: deps.clock.now(),
      actor: `person:${admin.id}`,
      action: allowed ? actionOf(ctx) : "console.refused",
      entityType: personId === null ? "console" : "person",
      entityId: personId ?? "directory",
      // What kind of thing was sent, never its text: a message may be a tip.
      after: ctx.method === "POST" ? { what: actionOf(ctx), kind: kindOf(ctx) } : null,
      requestId: typeof ctx.state.requestId === "string" ? ctx.state.requestId : null,
    });
    if (!allowed) {
      throw Forbidden("控制台只能以您本人或没有企业微信、钉钉账号的测试人员的身份使用；该人员请在自己的企业微信或钉钉中办理。", "console_person_not_allowed");
    }
    ctx.state.consoleRestricted = true;
    return next();
  };
}

/** The audit action of a console request, from its path: what the administrator did. */
function actionOf(ctx: Context): string {
  const tail = ctx.path.replace(/^\/console\/api\/people\/?[^/]*/, "");
  if (ctx.method === "POST") return tail.startsWith("/media") ? "console.send_media" : "console.send";
  if (tail.startsWith("/stream")) return "console.read_chat";
  if (tail.startsWith("/media/")) return "console.read_media";
  return /^\/console\/api\/people\/[^/]+$/.test(ctx.path) ? "console.open_chat" : "console.list_people";
}

function kindOf(ctx: Context): string | null {
  const body = ctx.request.body as { kind?: unknown } | undefined;
  const kind = typeof body?.kind === "string" ? body.kind : typeof ctx.query.kind === "string" ? ctx.query.kind : null;
  return kind && /^[a-z_]{1,20}$/.test(kind) ? kind : null;
}
