import Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { CONSOLE_API } from "../channels/console/inbound";
import type { ConsoleStore } from "../channels/console/store";
import { lineView } from "../channels/console/view";
import type { Clock } from "../clock";
import type { Database } from "../db/Database";
import { OrgUnit, Person } from "../db/entities";
import { messengerAccountHolders } from "../domain/org/messengerAccounts";
import { roles } from "../domain/org/vocabulary";
import { NotFound } from "../errors";
import type { MediaStore } from "../media/MediaStore";
import { noStore, type SseFeed, streamEvents } from "./sse";
import { sendPageFile, servePageAssets } from "./staticFiles";

/** The messenger's app menu, as WeChat Work shows it: top entries that click, or open a sub-menu. */
export interface ConsoleMenuTop {
  name: string;
  /** Comes back in a `menu_click`. */
  key?: string;
  sub?: { name: string; key: string }[];
}

export interface ConsoleRoutesDeps {
  db: Database;
  clock: Clock;
  store: ConsoleStore;
  media: MediaStore;
  /** From `consoleGuard`: runs before every API endpoint. */
  guard: Middleware[];
  /** Whether the page should ask for an administrator's token before anything else. */
  requireLogin: boolean;
  /** The app menu, the same for everyone as on a messenger (bots/appMenu.ts). */
  menu?: readonly ConsoleMenuTop[];
  /** How often a chat stream looks for new lines. */
  pollMs?: number;
  /** One stream's lifetime; the page reconnects with the last id it has, so nothing is missed. */
  streamMaxMs?: number;
}

/** How far back each read looks past the last id sent (see ConsoleStore.linesAfter). */
const LOOKBACK_MS = 5_000;
const PICKER_LIMIT = 50;

const PAGE_POLICY =
  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' blob:; media-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The local console messenger's page and its reading half: `GET /console` (the page, src/web/console/),
 * `GET /console/api/settings` (whether to sign in), `GET /console/api/people` (the picker), `…/people/:id` (who and their menu),
 * `…/people/:id/stream` (the chat, live, as SSE) and `…/people/:id/media/:key` (its files).
 * What the person sends goes through src/channels/console/inbound.ts.
 */
export function consoleRoutes(deps: ConsoleRoutesDeps): Router {
  const router = new Router();

  router.get("/console", async (ctx) => {
    noStore(ctx);
    ctx.set("Content-Security-Policy", PAGE_POLICY);
    await sendPageFile(ctx, "console", "index.html", "no-store");
  });
  servePageAssets(router, "console");

  router.get(`${CONSOLE_API}/settings`, (ctx) => {
    ctx.set("Cache-Control", "no-store");
    ctx.body = { data: { requireLogin: deps.requireLogin } };
  });

  router.get(`${CONSOLE_API}/people`, ...deps.guard, async (ctx) => {
    const q = typeof ctx.query.q === "string" ? ctx.query.q.trim().toLowerCase().slice(0, 50) : "";
    const [people, units] = await Promise.all([
      deps.db.manager.find(Person, { order: { id: "ASC" } }),
      deps.db.manager.find(OrgUnit, { select: { id: true, name: true } }),
    ]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const views = people.map((p) => personView(p, unitName.get(p.unitId) ?? ""));
    let matches = q ? views.filter((v) => [v.name, v.unit, ...v.roles].some((t) => t.toLowerCase().includes(q))) : views;
    const restricted = ctx.state.consoleRestricted === true;
    if (restricted) {
      // Only whom the console may act for: the administrator and the test accounts (see consoleGuard).
      const holders = await messengerAccountHolders(deps.db, matches.map((v) => v.id));
      matches = matches.filter((v) => v.id === ctx.state.person?.id || !holders.has(v.id));
    }
    // The directory's people in order, active ones first: a deactivated one is there to try the refusal.
    matches.sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
    ctx.body = { data: matches.slice(0, PICKER_LIMIT), total: matches.length, restricted };
  });

  router.get(`${CONSOLE_API}/people/:personId`, ...deps.guard, async (ctx) => {
    const person = await personOf(ctx, deps.db);
    const unit = await deps.db.manager.findOne(OrgUnit, { where: { id: person.unitId }, select: { id: true, name: true } });
    ctx.body = { data: { ...personView(person, unit?.name ?? ""), menu: deps.menu ?? [] } };
  });

  router.get(`${CONSOLE_API}/people/:personId/stream`, ...deps.guard, async (ctx) => {
    const person = await personOf(ctx, deps.db);
    const last = /^\d{1,12}$/.exec(ctx.get("last-event-id") || String(ctx.query.after ?? ""))?.[0];
    streamEvents(ctx, chatFeed(deps, person.id, last ? Number(last) : 0));
  });

  router.get(`${CONSOLE_API}/people/:personId/media/:key`, ...deps.guard, async (ctx) => {
    const person = await personOf(ctx, deps.db);
    const key = String(ctx.params.key);
    // Only files shown in this chat: the console is no window onto the whole media store.
    if (!(await deps.store.showsMedia(person.id, key))) throw NotFound("该文件", "media_not_found");
    const file = await deps.media.read(key);
    const ext = key.split(".").pop() ?? "bin";
    ctx.set("Cache-Control", "private, max-age=3600");
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Content-Security-Policy", "default-src 'none'; sandbox");
    const inline = file.contentType.startsWith("image/") || file.contentType.startsWith("audio/");
    ctx.set("Content-Disposition", inline ? "inline" : `attachment; filename="anshao.${ext}"; filename*=UTF-8''${encodeURIComponent(`安哨文件.${ext}`)}`);
    ctx.type = file.contentType;
    ctx.body = file.bytes;
  });

  return router;
}

interface PersonView {
  id: number;
  name: string;
  unit: string;
  roles: string[];
  active: boolean;
}

function personView(p: Person, unit: string): PersonView {
  return { id: p.id, name: p.name, unit, roles: p.roles.map((r) => roles.label(r)), active: p.active };
}

async function personOf(ctx: Context, db: Database): Promise<Person> {
  const raw = String(ctx.params.personId ?? "");
  const person = /^[1-9]\d{0,9}$/.test(raw) ? await db.manager.findOne(Person, { where: { id: Number(raw) } }) : null;
  if (!person) throw NotFound("该人员", "console_person_not_found");
  return person;
}

/**
 * The chat's lines after `after` (or its latest lines when starting afresh), then every new one as
 * it is stored, reading the table so a line sent by any instance arrives; the page reconnects with
 * the last id it has.
 */
function chatFeed(deps: ConsoleRoutesDeps, personId: number, after: number): SseFeed {
  let cursor = after;
  let sent = new Set<number>();
  return {
    pollMs: deps.pollMs ?? 500,
    maxMs: deps.streamMaxMs ?? 60_000,
    retryMs: 2000,
    async poll(send, first) {
      const rows = first && after === 0 ? await deps.store.latest(personId) : await deps.store.linesAfter(personId, cursor, new Date(deps.clock.now().getTime() - LOOKBACK_MS));
      for (const row of rows) {
        if (sent.has(row.id)) continue;
        // Only a line past the cursor moves the id the client resumes from.
        send({ id: row.id > cursor ? row.id : undefined, data: lineView(row) });
        cursor = Math.max(cursor, row.id);
      }
      // The lines the look-back will return again next time; older ones never come back.
      sent = new Set(rows.map((r) => r.id));
      if (first) send({ event: "ready", data: {} });
    },
  };
}
