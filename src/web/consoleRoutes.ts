import type { PassThrough } from "node:stream";
import Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { CONSOLE_API } from "../channels/console/inbound";
import type { ConsoleStore } from "../channels/console/store";
import { lineView } from "../channels/console/view";
import type { Clock } from "../clock";
import type { Database } from "../db/Database";
import { OrgUnit, Person } from "../db/entities";
import { roles } from "../domain/org/vocabulary";
import { NotFound } from "../errors";
import { authenticate, requireRole } from "../http/middleware/auth";
import type { MediaStore } from "../media/MediaStore";
import { renderConsolePage } from "./consolePage";
import { noStore, openStream } from "./sse";

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

/**
 * Who may use the console: anyone who reaches it in the embedded mode (a laptop, a demo), an
 * administrator's API token (`npm run token`) everywhere else.
 */
export function consoleGuard(deps: { db: Database; clock: Clock }, requireLogin: boolean): Middleware[] {
  return requireLogin ? [authenticate(deps), requireRole("admin")] : [];
}

/**
 * The local console messenger's page and its reading half: `GET /console` (the page),
 * `GET /console/api/people` (the picker), `…/people/:id` (who and their menu),
 * `…/people/:id/stream` (the chat, live, as SSE) and `…/people/:id/media/:key` (its files).
 * What the person sends goes through src/channels/console/inbound.ts.
 */
export function consoleRoutes(deps: ConsoleRoutesDeps): Router {
  const router = new Router();

  router.get("/console", (ctx) => {
    noStore(ctx);
    ctx.set(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' blob:; media-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    ctx.type = "text/html; charset=utf-8";
    ctx.body = renderConsolePage({ api: CONSOLE_API, requireLogin: deps.requireLogin });
  });

  router.get(`${CONSOLE_API}/people`, ...deps.guard, async (ctx) => {
    const q = typeof ctx.query.q === "string" ? ctx.query.q.trim().toLowerCase().slice(0, 50) : "";
    const [people, units] = await Promise.all([
      deps.db.manager.find(Person, { order: { id: "ASC" } }),
      deps.db.manager.find(OrgUnit, { select: { id: true, name: true } }),
    ]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    const views = people.map((p) => personView(p, unitName.get(p.unitId) ?? ""));
    const matches = q ? views.filter((v) => [v.name, v.unit, ...v.roles].some((t) => t.toLowerCase().includes(q))) : views;
    // The directory's people in order, active ones first: a deactivated one is there to try the refusal.
    matches.sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
    ctx.body = { data: matches.slice(0, PICKER_LIMIT), total: matches.length };
  });

  router.get(`${CONSOLE_API}/people/:personId`, ...deps.guard, async (ctx) => {
    const person = await personOf(ctx, deps.db);
    const unit = await deps.db.manager.findOne(OrgUnit, { where: { id: person.unitId }, select: { id: true, name: true } });
    ctx.body = { data: { ...personView(person, unit?.name ?? ""), menu: deps.menu ?? [] } };
  });

  router.get(`${CONSOLE_API}/people/:personId/stream`, ...deps.guard, async (ctx) => {
    const person = await personOf(ctx, deps.db);
    const last = /^\d{1,12}$/.exec(ctx.get("last-event-id") || String(ctx.query.after ?? ""))?.[0];
    pump(deps, ctx, person.id, last ? Number(last) : 0, openStream(ctx));
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
 * Sends the chat's lines after `after` (or its latest lines when starting afresh), then every new
 * one as it is stored, reading the table so a line sent by any instance arrives. Ends when its
 * lifetime is up, when the client goes, or when the server stops listening (shutdown must not
 * wait for a watcher); the page then reconnects with the last id it has.
 */
function pump(deps: ConsoleRoutesDeps, ctx: Context, personId: number, after: number, out: PassThrough): void {
  const stopAt = Date.now() + (deps.streamMaxMs ?? 60_000);
  const server = (ctx.req.socket as { server?: { listening?: boolean } }).server;
  let cursor = after;
  let sent = new Set<number>();
  let quietTicks = 0;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearTimeout(timer);
    if (!out.writableEnded) out.end();
  };
  out.on("close", stop);
  out.write("retry: 2000\n\n");
  const tick = async (first: boolean) => {
    if (out.destroyed || out.writableEnded) return;
    const rows = first && after === 0 ? await deps.store.latest(personId) : await deps.store.linesAfter(personId, cursor, new Date(deps.clock.now().getTime() - LOOKBACK_MS));
    let wrote = false;
    for (const row of rows) {
      if (sent.has(row.id)) continue;
      // Only a line past the cursor moves the id the client resumes from.
      const idLine = row.id > cursor ? `id: ${row.id}\n` : "";
      out.write(`${idLine}data: ${JSON.stringify(lineView(row))}\n\n`);
      wrote = true;
      cursor = Math.max(cursor, row.id);
    }
    // The lines the look-back will return again next time; older ones never come back.
    sent = new Set(rows.map((r) => r.id));
    if (first) out.write("event: ready\ndata: {}\n\n");
    // A comment now and then keeps proxies from closing a quiet stream.
    else if (!wrote && ++quietTicks % 20 === 0) out.write(": ping\n\n");
    if (Date.now() >= stopAt || server?.listening === false) return stop();
    timer = setTimeout(run, deps.pollMs ?? 500);
  };
  let started = false;
  // A failed read ends this stream; the page reconnects.
  const run = () => {
    const first = !started;
    started = true;
    void tick(first).catch(stop);
  };
  run();
}
