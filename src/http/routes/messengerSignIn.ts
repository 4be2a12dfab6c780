import { randomBytes } from "node:crypto";
import Router from "@koa/router";
import type { ChannelId } from "../../channels/channel";
import type { MessengerSignIn } from "../../channels/module";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { SessionStore } from "../../domain/access/sessions";
import { findByChannelAccount } from "../../domain/org/accounts";
import type { KeyValue } from "../../kv";
import { one } from "../presenters/present";
import { ADMIN_HOME, startSession } from "./auth";

const STATE_TTL_MS = 10 * 60_000;

/**
 * Signing in to the admin console from inside a messenger (WeChat Work's in-app OAuth; DingTalk's
 * when its channel offers one): `/start` sends the browser to the platform with a one-time state,
 * `/callback` turns the returned code into the member's account, the account into a person, and
 * opens a session. Also `GET /api/auth/providers`: which sign-ins the page should offer.
 */
export function messengerSignInRoutes(deps: { db: Database; clock: Clock; kv: KeyValue; signIns: ReadonlyMap<ChannelId, MessengerSignIn> }): Router {
  const router = new Router({ prefix: "/api/auth" });
  const sessions = new SessionStore({ kv: deps.kv, clock: deps.clock });
  const startUrl = (channel: ChannelId) => (deps.signIns.has(channel) ? `/api/auth/${channel}/start` : null);

  router.get("/providers", (ctx) => {
    const wecom = startUrl("wecom");
    const dingtalk = startUrl("dingtalk");
    ctx.body = one({ password: true, wecom: wecom !== null, dingtalk: dingtalk !== null, wecomUrl: wecom, dingtalkUrl: dingtalk });
  });

  router.get("/:channel/start", async (ctx) => {
    const channel = ctx.params.channel as ChannelId;
    const signIn = deps.signIns.get(channel);
    if (!signIn) return ctx.redirect(`${ADMIN_HOME}login?error=provider_off`);
    const state = randomBytes(16).toString("base64url");
    await deps.kv.set(`signin-state:${state}`, channel, STATE_TTL_MS);
    ctx.redirect(signIn.authorizeUrl(`${ctx.protocol}://${ctx.host}/api/auth/${channel}/callback`, state));
  });

  router.get("/:channel/callback", async (ctx) => {
    const channel = ctx.params.channel as ChannelId;
    const signIn = deps.signIns.get(channel);
    const state = String(ctx.query.state ?? "");
    // WeChat Work returns `code`; DingTalk's OAuth page returns `authCode`.
    const code = String(ctx.query.code ?? ctx.query.authCode ?? "");
    ctx.set("Cache-Control", "no-store");
    // The state proves this browser started the sign-in here (no forced sign-in from elsewhere); it works once.
    const started = state ? await deps.kv.get(`signin-state:${state}`) : null;
    if (!signIn || !code || started !== channel || !(await deps.kv.setIfAbsent(`signin-state-used:${state}`, "1", STATE_TTL_MS))) {
      return ctx.redirect(`${ADMIN_HOME}login?error=${channel === "dingtalk" ? "dingtalk" : "wecom"}_failed`);
    }
    const account = await signIn.accountForCode(code);
    const person = account ? await findByChannelAccount(deps.db.manager, channel, account) : null;
    if (!person?.active) return ctx.redirect(`${ADMIN_HOME}login?error=not_registered`);
    await startSession(ctx, { db: deps.db, clock: deps.clock, sessions }, person, channel);
    ctx.redirect(ADMIN_HOME);
  });

  return router;
}

