import type { EntityManager } from "typeorm";
import { LessThanOrEqual, MoreThanOrEqual } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import type { Person } from "../../db/entities";
import { DutyShift } from "../../db/entities/DutyShift";
import { type FieldProblem, Invalid } from "../../errors";
import type { OutboxService } from "../outbox";
import { readRoster, type RosterLine, rosterWhere, sortProblems } from "./rosterSheet";
import { assertRosterWriter, personByRef, spanProblem, tellChanges, unitByCode } from "./shifts";
import type { DutyRole } from "./vocabulary";

export interface RosterImportResult {
  added: number;
  removed: number;
  unchanged: number;
  /** People told of their changes (each once). */
  told: number;
}

const keyOf = (s: { unitId: number; personId: number; role: string; startAt: Date; endAt: Date }) => `${s.unitId}:${s.personId}:${s.role}:${s.startAt.getTime()}:${s.endAt.getTime()}`;

/**
 * Imports a roster workbook. Every problem is reported as `排班!第7行:开始时间` and nothing is written
 * while there is one. A roster replaces, per unit, the shifts lying within the span it covers
 * (its first start to its last end): shifts that stay are kept as they are (their confirmations
 * and check-ins too), the rest are removed, new ones added — and only the people whose shifts
 * were added or removed are told, once each.
 */
export async function importRoster(tx: EntityManager, deps: { outbox: Pick<OutboxService, "enqueue">; channels: readonly ChannelId[] }, actor: Person, content: Uint8Array, now: Date): Promise<RosterImportResult> {
  const { lines, problems } = await readRoster(content);
  const rows = await checkLines(tx, actor, lines, problems);
  problems.splice(0, problems.length, ...sortProblems(problems));
  if (problems.length) throw Invalid(`排班表有 ${problems.length} 处问题，未导入任何内容：${problems.slice(0, 5).map((p) => `${p.where} ${p.message}`).join("；")}`, problems, "duty_roster_invalid");

  const byUnit = new Map<number, typeof rows>();
  for (const r of rows) byUnit.set(r.unitId, [...(byUnit.get(r.unitId) ?? []), r]);
  const added: DutyShift[] = [];
  const removed: DutyShift[] = [];
  let unchanged = 0;
  for (const [unitId, unitRows] of [...byUnit].sort((a, b) => a[0] - b[0])) {
    const from = new Date(Math.min(...unitRows.map((r) => r.startAt.getTime())));
    const to = new Date(Math.max(...unitRows.map((r) => r.endAt.getTime())));
    const existing = await tx.find(DutyShift, { where: { unitId, startAt: MoreThanOrEqual(from), endAt: LessThanOrEqual(to) }, order: { id: "ASC" } });
    const wanted = new Map(unitRows.map((r) => [keyOf(r), r]));
    for (const s of existing) {
      if (wanted.delete(keyOf(s))) unchanged += 1;
      else removed.push(s);
    }
    for (const r of wanted.values()) added.push(tx.create(DutyShift, { ...r, servedById: null, confirmedAt: null, checkedInAt: null, checkInLatitude: null, checkInLongitude: null, locationAskedAt: null, handoverNote: null, createdAt: now, updatedAt: now }));
  }
  if (removed.length) await tx.delete(DutyShift, removed.map((s) => s.id));
  for (const s of added) await tx.save(s);
  const told = await tellChanges(tx, deps.outbox, deps.channels, added, removed, now);
  return { added: added.length, removed: removed.length, unchanged, told };
}

async function checkLines(tx: EntityManager, actor: Person, lines: readonly RosterLine[], problems: FieldProblem[]) {
  const rows: { unitId: number; personId: number; role: DutyRole; startAt: Date; endAt: Date }[] = [];
  const seen = new Map<string, number>();
  for (const l of lines) {
    const before = problems.length;
    const unit = l.unit ? await unitByCode(tx, l.unit) : null;
    if (!unit && l.unit) problems.push({ where: rosterWhere(l.line, "单位编码"), message: `没有编码为 ${l.unit} 的单位` });
    else if (unit) {
      try {
        await assertRosterWriter(tx, actor, unit.id);
      } catch {
        problems.push({ where: rosterWhere(l.line, "单位编码"), message: "您无权编排该单位的值班" });
      }
    }
    const mobileOk = /^1\d{10}$/.test(l.mobile);
    const person = mobileOk ? await personByRef(tx, l.mobile) : null;
    if (!person) {
      if (mobileOk) problems.push({ where: rosterWhere(l.line, "手机号"), message: "通讯录中没有该手机号的人员" });
    } else if (l.name && person.name !== l.name) problems.push({ where: rosterWhere(l.line, "姓名"), message: `该手机号的人员是“${person.name}”，与姓名不符` });
    else if (!person.active) problems.push({ where: rosterWhere(l.line, "手机号"), message: "该人员已停用" });
    const span = l.start && l.end ? spanProblem(l.start, l.end) : null;
    if (span) problems.push({ where: rosterWhere(l.line, "结束时间"), message: span });
    if (problems.length > before || !unit || !person || !l.role || !l.start || !l.end) continue;
    const row = { unitId: unit.id, personId: person.id, role: l.role, startAt: l.start, endAt: l.end };
    const first = seen.get(keyOf(row));
    if (first !== undefined) {
      problems.push({ where: rosterWhere(l.line, "开始时间"), message: `与第${first}行重复` });
      continue;
    }
    seen.set(keyOf(row), l.line);
    rows.push(row);
  }
  return rows;
}
