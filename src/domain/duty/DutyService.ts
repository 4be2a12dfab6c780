import type { DutySource } from "../digest/duty";
import { dutyDigestSource } from "./digestSource";
import { randomUUID } from "node:crypto";
import { type EntityManager, In, IsNull } from "typeorm";
import type { ChannelId, InboundEvent } from "../../channels/channel";
import { type Clock, formatLocal } from "../../clock";
import type { Database } from "../../db/Database";
import { DutyCriticalPeriod, DutyLogEntry, DutyShift, DutySpotCheck, type DutySwap, OrgUnit, Person } from "../../db/entities";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import { findByChannelAccount } from "../org/people";
import type { RoleCode } from "../org/vocabulary";
import type { OutboxService } from "../outbox";
import { chainOf, serverOf } from "./audience";
import { calendarFeed, linkToken, revokeLink } from "./calendar";
import { checkIn, type CheckInOutcome, currentShift, logLine } from "./checkIn";
import { importRoster, type RosterImportResult } from "./rosterImport";
import { DEFAULT_DUTY_SETTINGS, type DutySettings } from "./settings";
import { assertRosterWriter, findShift, resolveShift, type ShiftInput, shiftsAt, shiftsIn, shiftsOfPerson, tellChanges, unitByCode } from "./shifts";
import { localMidnight } from "./time";
import { answerSpotCheck, openCheckOf, sendSpotCheck } from "./spotChecks";
import { viewsOf } from "./views";
import { addPeriod, endPeriod, ensureHolidayPeriods, type PeriodKind, periodsIn } from "./periods";
import { answerSwap, askSwap, colleague, SWAP_ACCEPT } from "./swaps";
import { runShiftTick, type ShiftTickResult } from "./tick";
import { BUTTON_ACK, type DutyRole, parseDutyTask } from "./vocabulary";

/** The 叫应 draft "三在" asks for, in the callouts feature's own terms. */
export interface ThreeInPlaceDraft {
  title: string;
  text: string;
  warningType: "other";
  level: "red" | "orange";
  requiresReport: boolean;
  rules: { units: string[]; roles: RoleCode[] }[];
  personIds: number[];
  remindEveryMinutes: number;
  maxReminders: number;
}

export interface DutyServiceDeps {
  db: Database;
  clock: Clock;
  outbox: OutboxService;
  channels: readonly ChannelId[];
  settings?: Partial<DutySettings>;
  /** 叫应 drafts for the "三在" confirmations of a critical period (the callouts feature's service). */
  callouts?: { create(actor: Person, input: ThreeInPlaceDraft): Promise<{ id: number }> };
}

/** 值班值守: rosters, reminders, confirmations and check-ins. */
export class DutyService {
  readonly settings: DutySettings;

  /** What the daily digest says about duty (今日值班, 值班未签到), read from the roster. */
  readonly digestSource: DutySource;

  constructor(private readonly deps: DutyServiceDeps) {
    this.digestSource = dutyDigestSource(deps.db);
    this.settings = { ...DEFAULT_DUTY_SETTINGS, ...deps.settings };
  }

  private get now(): Date {
    return this.deps.clock.now();
  }

  create(actor: Person, input: ShiftInput): Promise<DutyShift> {
    return this.deps.db.transaction(async (tx) => {
      const { unit, person } = await resolveShift(tx, input);
      await assertRosterWriter(tx, actor, unit.id);
      const now = this.now;
      const shift = await tx.save(tx.create(DutyShift, { unitId: unit.id, personId: person.id, role: input.role, startAt: input.start, endAt: input.end, servedById: null, confirmedAt: null, checkedInAt: null, checkInLatitude: null, checkInLongitude: null, locationAskedAt: null, handoverNote: null, createdAt: now, updatedAt: now }));
      await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "duty.shift.create", entityType: "duty_shift", entityId: shift.id, after: { unitId: unit.id, personId: person.id, role: input.role } });
      await tellChanges(tx, this.deps.outbox, this.deps.channels, [shift], [], now);
      return shift;
    });
  }

  /**
   * Edits one shift. A changed person or time is a new shift to whoever serves it and a removed
   * one to whoever no longer does: both are told; confirmations start over.
   */
  edit(actor: Person, id: number, change: Partial<ShiftInput>): Promise<DutyShift> {
    return this.deps.db.transaction(async (tx) => {
      const before = await findShift(tx, id);
      await assertRosterWriter(tx, actor, before.unitId);
      const current = { unit: "", person: before.personId, role: before.role, start: before.startAt, end: before.endAt };
      const unitCode = change.unit ?? (await tx.findOneByOrFail(OrgUnit, { id: before.unitId })).code;
      const input = { ...current, ...change, unit: unitCode };
      const { unit, person } = await resolveShift(tx, input);
      await assertRosterWriter(tx, actor, unit.id);
      const old = { ...before };
      const moved = person.id !== before.personId || input.start.getTime() !== before.startAt.getTime() || input.end.getTime() !== before.endAt.getTime() || input.role !== before.role || unit.id !== before.unitId;
      if (!moved) return before;
      const now = this.now;
      Object.assign(before, { unitId: unit.id, personId: person.id, role: input.role, startAt: input.start, endAt: input.end, servedById: null, confirmedAt: null, updatedAt: now });
      await tx.save(before);
      await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "duty.shift.edit", entityType: "duty_shift", entityId: id, before: { personId: old.personId, startAt: old.startAt, endAt: old.endAt }, after: { personId: person.id, startAt: input.start, endAt: input.end } });
      await tellChanges(tx, this.deps.outbox, this.deps.channels, [before], [old], now);
      return before;
    });
  }

  remove(actor: Person, id: number): Promise<void> {
    return this.deps.db.transaction(async (tx) => {
      const shift = await findShift(tx, id);
      await assertRosterWriter(tx, actor, shift.unitId);
      const now = this.now;
      await tx.delete(DutyShift, { id });
      await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "duty.shift.delete", entityType: "duty_shift", entityId: id, before: { personId: shift.personId, startAt: shift.startAt } });
      await tellChanges(tx, this.deps.outbox, this.deps.channels, [], [shift], now);
    });
  }

  async list(unitCode: string, from: Date, to: Date): Promise<DutyShift[]> {
    const m = this.deps.db.manager;
    const unit = await unitByCode(m, unitCode);
    if (!unit) throw Invalid("找不到该单位", [{ where: "unit", message: `没有编码为 ${unitCode} 的单位` }], "duty_unit_unknown");
    return shiftsIn(m, [unit.id], from, to);
  }

  /**
   * Who is on duty at `at` (default now) for a unit; with `withParents`, also the duty leaders on
   * duty in the units above it (a village's duty is led from its town).
   */
  async onDuty(unitId: number, withParents: boolean, at: Date = this.now): Promise<DutyShift[]> {
    const m = this.deps.db.manager;
    const own = await shiftsAt(m, [unitId], at);
    if (!withParents) return own;
    const ancestors = (await chainOf(m, unitId)).slice(1);
    const above = (await shiftsAt(m, ancestors, at)).filter((s) => s.role === "leader");
    return [...own, ...above];
  }

  /** The people serving as `role` for a unit at `at`, nearest unit up the tree first (叫应 picks 带班领导 this way). */
  async serving(unitId: number, role: DutyRole, at: Date = this.now): Promise<number[]> {
    const m = this.deps.db.manager;
    const chain = await chainOf(m, unitId);
    const rows = (await shiftsAt(m, chain, at)).filter((s) => s.role === role);
    for (const unit of chain) {
      const here = rows.filter((r) => r.unitId === unit);
      if (here.length) return [...new Set(here.map(serverOf))];
    }
    return [];
  }

  importRoster(actor: Person, content: Uint8Array): Promise<RosterImportResult> {
    return this.deps.db.transaction((tx) => importRoster(tx, this.deps, actor, content, this.now));
  }

  /** The minute tick's work (jobs/dutyTick.job.ts). */
  runDue(now: Date = this.now): Promise<ShiftTickResult> {
    return runShiftTick({ db: this.deps.db, outbox: this.deps.outbox, channels: this.deps.channels, settings: this.settings }, now);
  }

  checkIn(person: Person, location: { latitude: number; longitude: number } | null): Promise<CheckInOutcome> {
    return this.deps.db.transaction((tx) => checkIn(tx, person, this.now, location));
  }

  /** Confirms the person's next shift (「收到」): the one running or the next to start within two days. */
  confirm(person: Person, shiftId?: number): Promise<DutyShift | null> {
    return this.deps.db.transaction((tx) => this.confirmIn(tx, person, this.now, shiftId));
  }

  private async confirmIn(tx: EntityManager, person: Person, at: Date, shiftId?: number): Promise<DutyShift | null> {
    const upcoming = await shiftsOfPerson(tx, person.id, at, new Date(at.getTime() + 2 * 86_400_000));
    const mine = upcoming.filter((s) => serverOf(s) === person.id && (shiftId === undefined || s.id === shiftId));
    const shift = mine.find((s) => s.confirmedAt === null) ?? null;
    if (!shift) return null;
    const res = await tx.createQueryBuilder().update(DutyShift).set({ confirmedAt: at }).where("id = :id AND confirmed_at IS NULL", { id: shift.id }).execute();
    if ((res.affected ?? 0) > 0) await logLine(tx, shift, "confirmed", person.id, at);
    return shift;
  }

  /**
   * A duty card's 「收到」 click, or a typed 收到 from someone with an unconfirmed shift coming: true
   * when it was one of these (the bot does nothing more).
   */
  async answer(event: InboundEvent): Promise<boolean> {
    const task = event.kind === "card_click" ? parseDutyTask(event.taskId) : null;
    const typed = event.kind === "text" && /^(收到|在岗|1)[。.!！]?$/.test(event.text.trim());
    if (!task && !typed) return false;
    const person = await findByChannelAccount(this.deps.db.manager, event.channel, event.senderId);
    if (!person) return false;
    if (task?.kind === "swap" && event.kind === "card_click") {
      await this.deps.db.transaction(async (tx) => {
        const said = await answerSwap(tx, this.spotDeps(), person, task.id, event.buttonKey === SWAP_ACCEPT, event.occurredAt);
        await this.reply(tx, event, person, { accepted: "已同意换班，该班次由您值班，请按时到岗。", declined: "已拒绝换班。", already: "该换班申请已处理过。", started: "该班次已开始或已变更，换班申请已失效。" }[said]);
      });
      return true;
    }
    if (event.kind === "card_click" && event.buttonKey !== BUTTON_ACK) return false;
    if (task?.kind === "check" || typed) {
      const said = await this.deps.db.transaction(async (tx) => {
        const check = task?.kind === "check" ? await tx.findOneBy(DutySpotCheck, { id: task.id }) : await openCheckOf(tx, person.id, event.occurredAt);
        if (!check) return null;
        const outcome = await answerSpotCheck(tx, check, person, event.occurredAt);
        await this.reply(tx, event, person, outcome === "answered" ? "查岗已应答，已记入值班日志。" : outcome === "late" ? "查岗已应答（已超过应答时限），已记入值班日志。" : "该查岗已应答过。");
        return outcome;
      });
      if (said !== null || task?.kind === "check") return true;
    }
    return this.deps.db.transaction(async (tx) => {
      const shift = await this.confirmIn(tx, person, event.occurredAt, task?.id);
      if (!shift) return event.kind === "card_click";
      await this.reply(tx, event, person, "已确认收到值班提醒。到岗后请回复“到岗签到”。");
      return true;
    });
  }

  /** 交接班: the outgoing person's pending items, kept on their shift for the next one's check-in. */
  handover(person: Person, note: string): Promise<DutyShift | null> {
    return this.deps.db.transaction(async (tx) => {
      const at = this.now;
      const shift = (await currentShift(tx, person.id, at)) ?? (await lastShift(tx, person.id, at));
      if (!shift) return null;
      const text = note.trim().slice(0, 1000);
      await tx.update(DutyShift, { id: shift.id }, { handoverNote: text, updatedAt: at });
      await logLine(tx, shift, "handover", person.id, at, `交接班：${text}`);
      return shift;
    });
  }

  /** 值班 in chat: who is on duty in the person's unit (and the leaders above it) now, and today's shifts. */
  async today(person: Person): Promise<{ now: DutyShift[]; today: DutyShift[]; names: Map<number, string> }> {
    const m = this.deps.db.manager;
    const at = this.now;
    const now = await this.onDuty(person.unitId, true, at);
    const dayStart = localMidnight(at);
    const today = await shiftsIn(m, [person.unitId], dayStart, new Date(dayStart.getTime() + 86_400_000));
    const ids = [...new Set([...now, ...today].map(serverOf))];
    const people = ids.length ? await m.findBy(Person, { id: In(ids) }) : [];
    return { now, today, names: new Map(people.map((p) => [p.id, p.name])) };
  }

  /** 查岗 from the API or chat: a card the person on duty must answer within N minutes. */
  spotCheck(actor: Person, shiftId: number): Promise<DutySpotCheck> {
    return this.deps.db.transaction((tx) => sendSpotCheck(tx, this.spotDeps(), actor, shiftId, this.now));
  }

  private spotDeps() {
    return { outbox: this.deps.outbox, channels: this.deps.channels, settings: this.settings };
  }

  /** 换班: ask a colleague (name or mobile) to serve one of my shifts not yet begun. */
  askSwap(person: Person, shiftId: number, colleagueRef: string): Promise<{ swap: DutySwap; to: Person }> {
    return this.deps.db.transaction(async (tx) => {
      const to = await colleague(tx, colleagueRef);
      return { swap: await askSwap(tx, this.spotDeps(), person, shiftId, to, this.now), to };
    });
  }

  /** My shifts (served by me) starting within the next two weeks: what I may ask to swap. */
  upcoming(person: Person): Promise<DutyShift[]> {
    const at = this.now;
    return shiftsOfPerson(this.deps.db.manager, person.id, at, new Date(at.getTime() + 14 * 86_400_000)).then((rows) => rows.filter((s) => serverOf(s) === person.id && s.startAt.getTime() > at.getTime()));
  }

  /** Shifts running now in the person's unit and below: whom a duty leader may 查岗 from chat. */
  async runningBelow(person: Person): Promise<{ shift: DutyShift; name: string; unitName: string }[]> {
    const m = this.deps.db.manager;
    const at = this.now;
    const unit = await m.findOneByOrFail(OrgUnit, { id: person.unitId });
    const below = await m.createQueryBuilder(OrgUnit, "u").where("u.path LIKE :prefix", { prefix: `${unit.path}%` }).getMany();
    const running = (await shiftsAt(m, below.map((u) => u.id), at)).filter((s) => serverOf(s) !== person.id);
    const views = await viewsOf(m, running);
    return running.map((shift, i) => ({ shift, name: views[i]?.personName ?? "", unitName: views[i]?.unitName ?? "" }));
  }

  /** The duty log of a unit (and below) between two instants, oldest first. */
  async log(unitCode: string, from: Date, to: Date): Promise<DutyLogEntry[]> {
    const m = this.deps.db.manager;
    const unit = await unitByCode(m, unitCode);
    if (!unit) throw Invalid("找不到该单位", [{ where: "unit", message: `没有编码为 ${unitCode} 的单位` }], "duty_unit_unknown");
    return m
      .createQueryBuilder(DutyLogEntry, "l")
      .where("l.unit_id IN (SELECT u.id FROM org_units u WHERE u.path LIKE :prefix)", { prefix: `${unit.path}%` })
      .andWhere("l.at >= :from AND l.at < :to", { from, to })
      .orderBy("l.at", "ASC")
      .addOrderBy("l.id", "ASC")
      .getMany();
  }

  /** Critical periods (重要节点) overlapping [from, to); holidays of the next two weeks are written first. */
  async periods(from: Date, to: Date): Promise<DutyCriticalPeriod[]> {
    await this.deps.db.transaction((tx) => ensureHolidayPeriods(tx, this.now));
    return periodsIn(this.deps.db.manager, from, to);
  }

  /**
   * An administrator adds a period (flood season, a major event) for the county or a unit and below.
   * Who is one is decided at the HTTP layer (settings:write, in src/http/access.ts and on the route):
   * a console grant makes an administrator as the directory's 管理员 role does.
   */
  async addPeriod(actor: Person, input: { kind: PeriodKind; name: string; unit?: string; start: Date; end: Date }): Promise<DutyCriticalPeriod> {
    return this.deps.db.transaction(async (tx) => {
      const unit = input.unit ? await unitByCode(tx, input.unit) : null;
      if (input.unit && !unit) throw Invalid("找不到该单位", [{ where: "unit", message: `没有编码为 ${input.unit} 的单位` }], "duty_unit_unknown");
      if (input.end.getTime() <= input.start.getTime()) throw Invalid("结束时间应晚于开始时间", [{ where: "end", message: "结束时间应晚于开始时间" }], "duty_bad_span");
      const p = await addPeriod(tx, { ...input, unitId: unit?.id ?? null }, `admin:${randomUUID()}`, this.now);
      await appendAudit(tx, { at: this.now, actor: `person:${actor.id}`, action: "duty.period.add", entityType: "duty_critical_period", entityId: p.id, after: { kind: p.kind, name: p.name } });
      return p;
    });
  }

  /** An administrator ends a period now (a holiday they override stays ended). */
  async endPeriod(actor: Person, id: number): Promise<void> {
    return this.deps.db.transaction(async (tx) => {
      await endPeriod(tx, id, this.now);
      await appendAudit(tx, { at: this.now, actor: `person:${actor.id}`, action: "duty.period.end", entityType: "duty_critical_period", entityId: id });
    });
  }

  /**
   * "三在" for a critical period: a 叫应 draft asking 干部在现场、执法队员在岗位、企业负责人在企业 of the
   * period's area (its unit and below, or the whole county), with the 叫应's own census, reminders
   * and escalation once the initiator previews and sends it (POST /api/callouts/:id/send).
   */
  async threeInPlace(actor: Person, periodId: number): Promise<{ id: number }> {
    if (!this.deps.callouts) throw new Error("the duty feature was built without the callouts service");
    const m = this.deps.db.manager;
    const period = await m.findOneBy(DutyCriticalPeriod, { id: periodId });
    if (!period) throw NotFound("该重要节点", "duty_period_not_found");
    const unit = period.unitId !== null ? await m.findOneByOrFail(OrgUnit, { id: period.unitId }) : await m.findOneOrFail(OrgUnit, { where: { parentId: IsNull() }, order: { id: "ASC" } });
    await assertRosterWriter(m, actor, unit.id);
    return this.deps.callouts.create(actor, {
      title: `【重要节点】${period.name}“三在”确认`.slice(0, 100),
      text: `${period.name}期间（${formatLocal(period.startsAt)} 至 ${formatLocal(period.endsAt)}）请确认：干部在现场、执法队员在岗位、企业负责人在企业。请点「收到」确认已在岗，落实后回复“已落实”并说明情况。`,
      warningType: "other",
      level: period.name.startsWith("红色") ? "red" : "orange",
      requiresReport: true,
      rules: [{ units: [unit.code], roles: ["village_cadre", "grid_member", "enforcer", "enterprise_owner"] }],
      personIds: [],
      remindEveryMinutes: 10,
      maxReminders: 2,
    });
  }

  /** The person's iCalendar token (made on first ask). */
  calendarToken(person: Person): Promise<string> {
    return this.deps.db.transaction((tx) => linkToken(tx, person, this.now));
  }

  revokeCalendar(person: Person): Promise<void> {
    return this.deps.db.transaction((tx) => revokeLink(tx, person));
  }

  /** The feed behind a token; null when there is no such link (revoked). */
  calendar(token: string): Promise<string | null> {
    return calendarFeed(this.deps.db.manager, token, this.now);
  }

  private async reply(tx: EntityManager, event: InboundEvent, person: Person, text: string): Promise<void> {
    await this.deps.outbox.enqueue(tx, {
      idempotencyKey: `reply:${event.channel}:${event.eventId}`,
      lane: "reply",
      message: { kind: "text", text },
      recipients: [{ channel: event.channel, userId: event.senderId, personId: person.id }],
      source: `person:${person.id}`,
    });
  }
}

/** The person's latest shift that ended within the last six hours (a handover written just after leaving). */
async function lastShift(tx: EntityManager, personId: number, at: Date): Promise<DutyShift | null> {
  const recent = await shiftsOfPerson(tx, personId, new Date(at.getTime() - 6 * 3_600_000), at);
  return recent.filter((s) => serverOf(s) === personId).pop() ?? null;
}

/** What a check-in answers the person. */
export function checkInReply(o: CheckInOutcome): string {
  if (o.kind === "no_shift") return "您当前没有需要签到的值班。";
  if (o.kind === "already") return "您本班已签到，无需重复签到。";
  if (o.kind === "need_location") return "当前处于重要节点，到岗签到须发送位置：请在对话框中发送您的当前位置。";
  return ["到岗签到成功。", ...(o.handover ? [`上一班交接事项：${o.handover}`] : [])].join("\n");
}
