import Router from "@koa/router";
import { ConsoleGrant, PersonCredential, SystemSetting } from "../db/entities";
import { SessionStore, SignInLinks } from "../domain/access/sessions";
import { accessGate } from "../http/middleware/accessGate";
import { apiGuard } from "../http/middleware/apiGuard";
import { auditRoutes } from "../http/routes/audit";
import { authRoutes } from "../http/routes/auth";
import { dashboardRoutes } from "../http/routes/dashboard";
import { directoryRoutes } from "../http/routes/directory";
import { hazardPhotoRoutes } from "../http/routes/hazardPhotos";
import { settingsRoutes } from "../http/routes/settings";
import { openApiRoutes } from "../http/routes/openapi";
import { unitRoutes } from "../http/routes/units";
import { defineFeature } from "./feature";

/**
 * The admin console's server side: sign-in (password, one-time link; messengers' in-app sign-in is
 * mounted with the channels, src/http/routes/messengerSignIn.ts), console roles with RuoYi's data
 * scopes, the gate that checks every `/api` request against src/http/access.ts, and the console's
 * own endpoints (units, dashboard, directory, photos, settings, audit, the OpenAPI document). It is
 * first in the features list so its gate is mounted in front of every other feature's routes.
 */
export const accessFeature = defineFeature({
  name: "access",
  services: ({ kv, clock }) => ({ sessions: new SessionStore({ kv, clock }), links: new SignInLinks({ kv }) }),
  entities: [PersonCredential, ConsoleGrant, SystemSetting],
  routes: ({ sessions, links }, { db, clock, kv, media, config }) => {
    // A route for every `/api` path that only runs the gate, then hands on to the routers after it.
    const gate = new Router();
    // The guard first: signing in reads the database too, and must not hang with it.
    gate.all("/api/{*rest}", apiGuard({ timeoutMs: config.http.apiTimeoutMs, maxInFlight: config.http.apiMaxInFlight }), accessGate({ db, clock, sessions }));
    return [gate, authRoutes({ db, clock, kv, sessions, links }), unitRoutes({ db, clock }), auditRoutes({ db }), dashboardRoutes({ db, clock }), directoryRoutes({ db, clock }), hazardPhotoRoutes({ db, clock, media }), settingsRoutes({ db, clock, config }), openApiRoutes()];
  },
});
