import Router from "@koa/router";
import { In } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OrgUnit, Person } from "../../db/entities";
import type { DutyShift } from "../../db/entities/DutyShift";
import { dutyRoles, type DutyService, LOG_KINDS, PERIOD_KINDS, rosterTemplate, serverOf } from "../../domain/duty";
import { Invalid, NotFound } from "../../errors";
import { actor } from "../actor";
import { authenticate, requirePermission, requireRole } from "../middleware/auth";
import { multipartFile } from "../multipart";
import { iso, one } from "../presenters/present";
import { parseInput } from "../validate";
import * as T from "./duty.schema";

export interface DutyRouteDeps {
  db: Database;
  clock: Clock;
  duty: DutyService;
}

const DAY = 86_400_000;
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * The duty API: a unit's shifts (list, create, edit, delete), who is on duty now, and the roster
 * import (the xlsx template, multipart or the file as the body). Any signed-in person may read;
 * writing needs 管理员 or a leader of the unit or above it (the domain checks).
 */
export function dutyRoutes(deps: DutyRouteDeps): Router {
  const router = new Router({ prefix: "/api/duty" });
  const auth = authenticate({ db: deps.db, clock: deps.clock });

  router.get("/shifts", auth, async (ctx) => {
    const q = parseInput(T.ListQuery, ctx.query);
    const from = q.from ?? new Date(deps.clock.now().getTime() - DAY);
    const to = q.to ?? new Date(from.getTime() + 31 * DAY);
    ctx.body = { data: await present(deps.db, await deps.duty.list(q.unit, from, to)) };
  });

  router.post("/shifts", auth, async (ctx) => {
    const body = parseInput(T.ShiftBody, ctx.request.body);
    const shift = await deps.duty.create(actor(ctx), body);
    ctx.status = 201;
    ctx.body = one({ id: shift.id });
  });

  router.patch("/shifts/:id", auth, async (ctx) => {
    const id = parseInput(T.IdParam, ctx.params.id);
    const body = parseInput(T.ShiftPatch, ctx.request.body ?? {});
    const shift = await deps.duty.edit(actor(ctx), id, body);
    ctx.body = one((await present(deps.db, [shift]))[0]);
  });

  router.delete("/shifts/:id", auth, async (ctx) => {
    await deps.duty.remove(actor(ctx), parseInput(T.IdParam, ctx.params.id));
    ctx.status = 204;
  });

  router.get("/now", auth, async (ctx) => {
    const q = parseInput(T.NowQuery, ctx.query);
    const unit = await deps.db.manager.findOneBy(OrgUnit, { code: q.unit });
    if (!unit) throw NotFound("该单位", "duty_unit_unknown");
    const rows = await deps.duty.onDuty(unit.id, q.withParents === "1" || q.withParents === "true");
    ctx.body = { data: await presentNow(deps.db, rows) };
  });

  router.post("/rosters", auth, async (ctx) => {
    const raw = ctx.request.rawBody ?? Buffer.alloc(0);
    const type = ctx.get("content-type");
    const bytes = /multipart\/form-data/i.test(type) ? multipartFile(raw, type, "file")?.bytes : raw;
    if (!bytes || bytes.length === 0) throw Invalid("请上传排班表（.xlsx，表单字段名 file）", undefined, "duty_roster_missing");
    ctx.body = one(await deps.duty.importRoster(actor(ctx), bytes));
  });

  router.post("/spot-checks", auth, async (ctx) => {
    const body = parseInput(T.SpotCheckBody, ctx.request.body);
    const check = await deps.duty.spotCheck(actor(ctx), body.shift);
    ctx.status = 201;
    ctx.body = one({ id: check.id, shift: check.shiftId, sentAt: iso(check.sentAt), dueAt: iso(check.dueAt) });
  });

  // The log holds check-in locations: the people who lead duty read it, not every account.
  router.get("/log", auth, requireRole("admin", "chief", "deputy_leader", "admin_owner", "duty_leader", "duty_officer"), async (ctx) => {
    const q = parseInput(T.ListQuery, ctx.query);
    const to = q.to ?? deps.clock.now();
    const from = q.from ?? new Date(to.getTime() - 7 * DAY);
    const rows = await deps.duty.log(q.unit, from, to);
    const ids = [...new Set(rows.map((r) => r.personId).filter((id): id is number => id !== null))];
    const names = new Map((ids.length ? await deps.db.manager.find(Person, { where: { id: In(ids) } }) : []).map((p) => [p.id, p.name]));
    ctx.body = { data: rows.map((r) => ({ id: r.id, shift: r.shiftId, at: iso(r.at), kind: r.kind, kindLabel: LOG_KINDS[r.kind as keyof typeof LOG_KINDS] ?? r.kind, person: r.personId === null ? null : { id: r.personId, name: names.get(r.personId) ?? null }, text: r.text })) };
  });

  router.get("/critical-periods", auth, async (ctx) => {
    const q = parseInput(T.PeriodsQuery, ctx.query);
    const from = q.from ?? deps.clock.now();
    const to = q.to ?? new Date(from.getTime() + 31 * DAY);
    const rows = await deps.duty.periods(from, to);
    ctx.body = { data: rows.map((p) => ({ id: p.id, kind: { code: p.kind, label: PERIOD_KINDS[p.kind as keyof typeof PERIOD_KINDS] ?? p.kind }, name: p.name, unitId: p.unitId, start: iso(p.startsAt), end: iso(p.endsAt), source: p.source.split(":")[0] })) };
  });

  // Periods tighten the rules of every unit below them: an administrator's setting, like the quotas.
  router.post("/critical-periods", auth, requirePermission(deps.db, "settings:write"), async (ctx) => {
    const p = await deps.duty.addPeriod(actor(ctx), parseInput(T.PeriodBody, ctx.request.body));
    ctx.status = 201;
    ctx.body = one({ id: p.id });
  });

  router.post("/critical-periods/:id/end", auth, requirePermission(deps.db, "settings:write"), async (ctx) => {
    await deps.duty.endPeriod(actor(ctx), parseInput(T.IdParam, ctx.params.id));
    ctx.status = 204;
  });

  router.post("/critical-periods/:id/three-in-place", auth, async (ctx) => {
    const draft = await deps.duty.threeInPlace(actor(ctx), parseInput(T.IdParam, ctx.params.id));
    ctx.status = 201;
    ctx.body = one({ callout: draft.id });
  });

  router.get("/calendar-link", auth, async (ctx) => {
    const path = `/api/duty/calendar/${await deps.duty.calendarToken(actor(ctx))}.ics`;
    ctx.body = one({ path, url: ctx.host ? `${ctx.protocol}://${ctx.host}${path}` : path });
  });

  router.delete("/calendar-link", auth, async (ctx) => {
    await deps.duty.revokeCalendar(actor(ctx));
    ctx.status = 204;
  });

  // No bearer token here: calendar apps cannot send one; the secret address is the credential.
  router.get("/calendar/:file", async (ctx) => {
    const token = /^(.+)\.ics$/.exec(ctx.params.file ?? "")?.[1] ?? "";
    const feed = await deps.duty.calendar(token);
    if (feed === null) throw NotFound("该日历链接（可能已撤销）", "duty_calendar_not_found");
    ctx.type = "text/calendar; charset=utf-8";
    ctx.set("cache-control", "private, max-age=300");
    ctx.body = feed;
  });

  router.get("/roster-template", auth, async (ctx) => {
    ctx.set("content-disposition", `attachment; filename="duty-roster-template.xlsx"; filename*=UTF-8''${encodeURIComponent("值班排班模板.xlsx")}`);
    ctx.type = XLSX;
    ctx.body = await rosterTemplate();
  });
  return router;
}

async function namesOf(db: Database, shifts: readonly DutyShift[]) {
  const ids = [...new Set(shifts.flatMap((s) => [s.personId, serverOf(s)]))];
  const people = ids.length ? await db.manager.find(Person, { where: { id: In(ids) } }) : [];
  const unitIds = [...new Set(shifts.map((s) => s.unitId))];
  const units = unitIds.length ? await db.manager.find(OrgUnit, { where: { id: In(unitIds) } }) : [];
  return { person: (id: number) => ({ id, name: people.find((p) => p.id === id)?.name ?? null }), unit: (id: number) => units.find((u) => u.id === id) };
}

async function present(db: Database, shifts: readonly DutyShift[]) {
  const n = await namesOf(db, shifts);
  return shifts.map((s) => {
    const unit = n.unit(s.unitId);
    return {
      id: s.id,
      unit: { id: s.unitId, code: unit?.code ?? null, name: unit?.name ?? null },
      person: n.person(s.personId),
      servedBy: s.servedById === null ? null : n.person(s.servedById),
      role: dutyRoles.present(s.role),
      start: iso(s.startAt),
      end: iso(s.endAt),
      confirmedAt: iso(s.confirmedAt),
      checkedInAt: iso(s.checkedInAt),
    };
  });
}

/** "Who is on duty now": the person serving (after a swap, the taker). */
async function presentNow(db: Database, shifts: readonly DutyShift[]) {
  const n = await namesOf(db, shifts);
  // `shift` is what a 查岗 names (POST /api/duty/spot-checks).
  return shifts.map((s) => ({ shift: s.id, person: n.person(serverOf(s)), role: dutyRoles.present(s.role), unit: { id: s.unitId, name: n.unit(s.unitId)?.name ?? null }, start: iso(s.startAt), end: iso(s.endAt), checkedInAt: iso(s.checkedInAt) }));
}
