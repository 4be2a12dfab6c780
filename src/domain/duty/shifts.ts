import { createHash } from "node:crypto";
import { type EntityManager, In, LessThan, LessThanOrEqual, MoreThan } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { OrgUnit, Person } from "../../db/entities";
import { DutyShift } from "../../db/entities/DutyShift";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { type OutboxService, resolveRecipients } from "../outbox";
import { chainOf, serverOf } from "./audience";
import { rosterChangeText } from "./messages";
import type { DutyRole } from "./vocabulary";
import { viewsOf } from "./views";

/** Longest shift a roster may hold: a week covers every 24-hour and holiday pattern with room. */
export const MAX_SHIFT_MS = 7 * 86_400_000;

/** Roles that may write a unit's roster (and its subtree's): besides 管理员. */
const ROSTER_WRITERS = ["chief", "deputy_leader", "admin_owner", "duty_leader"] as const;

/** Whether `actor` may write the roster of `unit`: an administrator, or a unit leader at or above it. */
export async function assertRosterWriter(manager: EntityManager, actor: Person, unitId: number): Promise<void> {
  if (actor.roles.includes("admin")) return;
  const chain = await chainOf(manager, unitId);
  if (chain.includes(actor.unitId) && actor.roles.some((r) => (ROSTER_WRITERS as readonly string[]).includes(r))) return;
  throw Forbidden("只有管理员或本单位负责人、带班领导可以编排本单位值班", "duty_not_roster_writer");
}

export async function unitByCode(manager: EntityManager, code: string): Promise<OrgUnit | null> {
  return manager.findOneBy(OrgUnit, { code: code.trim() });
}

/** A person by id (a number) or by mobile. */
export async function personByRef(manager: EntityManager, ref: string | number): Promise<Person | null> {
  if (typeof ref === "number" || /^\d{1,9}$/.test(ref)) return manager.findOneBy(Person, { id: Number(ref) });
  return manager.findOneBy(Person, { mobile: ref.trim() });
}

/** A span's problem in words, or null when it is fine. */
export function spanProblem(start: Date, end: Date): string | null {
  if (end.getTime() <= start.getTime()) return "结束时间应晚于开始时间";
  if (end.getTime() - start.getTime() > MAX_SHIFT_MS) return "一个班次不能超过 7 天";
  return null;
}

/** Shifts of units (ids) overlapping [from, to), earliest first. */
export function shiftsIn(manager: EntityManager, unitIds: readonly number[], from: Date, to: Date): Promise<DutyShift[]> {
  if (unitIds.length === 0) return Promise.resolve([]);
  return manager.find(DutyShift, { where: { unitId: In([...unitIds]), startAt: LessThan(to), endAt: MoreThan(from) }, order: { startAt: "ASC", id: "ASC" } });
}

/** Shifts running at `at` for the units. */
export function shiftsAt(manager: EntityManager, unitIds: readonly number[], at: Date): Promise<DutyShift[]> {
  if (unitIds.length === 0) return Promise.resolve([]);
  return manager.find(DutyShift, { where: { unitId: In([...unitIds]), startAt: LessThanOrEqual(at), endAt: MoreThan(at) }, order: { startAt: "ASC", id: "ASC" } });
}

/** A person's shifts (planned or served) overlapping [from, to). */
export function shiftsOfPerson(manager: EntityManager, personId: number, from: Date, to: Date): Promise<DutyShift[]> {
  const span = { startAt: LessThan(to), endAt: MoreThan(from) };
  return manager.find(DutyShift, { where: [{ ...span, personId }, { ...span, servedById: personId }], order: { startAt: "ASC", id: "ASC" } });
}

/**
 * Tells each person whose future shifts changed — added or removed — once, in one message listing
 * their changes. The key is derived from the changes themselves, so repeating the same change (a
 * retried import) tells nobody twice, and a shift already over is nobody's news.
 */
export async function tellChanges(tx: EntityManager, outbox: Pick<OutboxService, "enqueue">, channels: readonly ChannelId[], added: readonly DutyShift[], removed: readonly DutyShift[], now: Date): Promise<number> {
  const future = (s: DutyShift) => s.endAt.getTime() > now.getTime();
  const a = await viewsOf(tx, added.filter(future));
  const r = await viewsOf(tx, removed.filter(future));
  const byPerson = new Map<number, { added: typeof a; removed: typeof r }>();
  const add = (personId: number, kind: "added" | "removed", v: (typeof a)[number]) => {
    const entry = byPerson.get(personId) ?? { added: [], removed: [] };
    entry[kind].push(v);
    byPerson.set(personId, entry);
  };
  added.filter(future).forEach((s, i) => add(serverOf(s), "added", a[i] as (typeof a)[number]));
  removed.filter(future).forEach((s, i) => add(serverOf(s), "removed", r[i] as (typeof r)[number]));
  let told = 0;
  for (const [personId, change] of [...byPerson].sort((x, y) => x[0] - y[0])) {
    const person = await tx.findOneBy(Person, { id: personId });
    if (!person) continue;
    const fingerprint = [...change.added.map((v) => `+${v.id}:${v.startAt.getTime()}:${v.endAt.getTime()}:${v.role}`), ...change.removed.map((v) => `-${v.id}:${v.startAt.getTime()}`)].sort().join(",");
    const digest = createHash("sha256").update(fingerprint).digest("hex").slice(0, 40);
    const res = await outbox.enqueue(tx, {
      idempotencyKey: `duty-roster:${personId}:${digest}`,
      lane: "routine",
      message: rosterChangeText(change.added, change.removed),
      recipients: await resolveRecipients(tx, [person], channels),
      source: `duty-roster:${personId}`,
    });
    if (res.created) told += 1;
  }
  return told;
}

export interface ShiftInput {
  unit: string;
  person: string | number;
  role: DutyRole;
  start: Date;
  end: Date;
}

/** Resolves and checks one shift's input: the unit, the person (active), the span. */
export async function resolveShift(tx: EntityManager, input: ShiftInput): Promise<{ unit: OrgUnit; person: Person }> {
  const unit = await unitByCode(tx, input.unit);
  if (!unit) throw Invalid("找不到该单位", [{ where: "unit", message: `没有编码为 ${input.unit} 的单位` }], "duty_unit_unknown");
  const person = await personByRef(tx, input.person);
  if (!person) throw Invalid("找不到该人员", [{ where: "person", message: "没有该编号或手机号的人员" }], "duty_person_unknown");
  if (!person.active) throw Invalid("该人员已停用", [{ where: "person", message: "该人员已停用，不能排班" }], "duty_person_inactive");
  const problem = spanProblem(input.start, input.end);
  if (problem) throw Invalid(problem, [{ where: "end", message: problem }], "duty_bad_span");
  return { unit, person };
}

export async function findShift(manager: EntityManager, id: number): Promise<DutyShift> {
  const shift = await manager.findOneBy(DutyShift, { id });
  if (!shift) throw NotFound("该班次", "duty_shift_not_found");
  return shift;
}
