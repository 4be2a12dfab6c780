import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { formatLocal } from "../../clock";
import { Person } from "../../db/entities";
import { DutyShift } from "../../db/entities/DutyShift";
import { DutySpotCheck } from "../../db/entities/DutySpotCheck";
import { Conflict, Forbidden } from "../../errors";
import { nextDueAt, startRuns } from "../kernel/escalation";
import { type OutboxService, resolveRecipients } from "../outbox";
import { chainOf, leaderOnDuty, serverOf } from "./audience";
import { logLine } from "./checkIn";
import { spotCheckPolicy } from "./policy";
import type { DutySettings } from "./settings";
import { assertRosterWriter, findShift } from "./shifts";
import { BUTTON_ACK, checkTaskId, dutyRoles, SPOT_CHECK_KIND } from "./vocabulary";
import { viewOf } from "./views";

export interface SpotCheckDeps {
  outbox: Pick<OutboxService, "enqueue">;
  channels: readonly ChannelId[];
  settings: DutySettings;
}

/**
 * Who may send a spot check (查岗) to a shift: the duty leader on duty for its unit (at or above
 * it), or whoever may write its roster.
 */
async function assertMayCheck(tx: EntityManager, actor: Person, shift: DutyShift, at: Date): Promise<void> {
  const chain = await chainOf(tx, shift.unitId);
  if ((await leaderOnDuty(tx, chain, at, null)) === actor.id) return;
  try {
    await assertRosterWriter(tx, actor, shift.unitId);
  } catch {
    throw Forbidden("只有当班带班领导或本单位负责人可以查岗", "duty_not_checker");
  }
}

/**
 * Sends a spot check to the person serving a running shift: a card to answer within N minutes,
 * a line in the duty log, and its chasing run (missed → the duty leader, then the unit head),
 * all in the caller's transaction. `actor` null: a scheduled random check.
 */
export async function sendSpotCheck(tx: EntityManager, deps: SpotCheckDeps, actor: Person | null, shiftId: number, at: Date): Promise<DutySpotCheck> {
  const shift = await findShift(tx, shiftId);
  if (actor) await assertMayCheck(tx, actor, shift, at);
  if (!(shift.startAt.getTime() <= at.getTime() && at.getTime() < shift.endAt.getTime())) throw Conflict("该班次不在值班时间内，无法查岗", "duty_shift_not_running");
  const dueAt = new Date(at.getTime() + deps.settings.spotCheckMinutes * 60_000);
  const check = await tx.save(tx.create(DutySpotCheck, { shiftId: shift.id, requestedById: actor?.id ?? null, sentAt: at, dueAt, answeredAt: null }));
  const view = await viewOf(tx, shift);
  await logLine(tx, shift, "spot_check", actor?.id ?? null, at, `查岗（${actor ? actor.name : "随机"}），须于 ${formatLocal(dueAt)} 前应答`);
  const server = await tx.findOneByOrFail(Person, { id: serverOf(shift) });
  await deps.outbox.enqueue(tx, {
    idempotencyKey: `duty-check:${check.id}`,
    lane: "callout",
    message: {
      kind: "card",
      card: {
        taskId: checkTaskId(check.id),
        title: "查岗",
        description: `${view.unitName}｜${dutyRoles.labelOf(shift.role)} ${view.personName}\n请在 ${deps.settings.spotCheckMinutes} 分钟内（${formatLocal(dueAt)} 前）点「在岗」或回复“在岗”。`,
        buttons: [{ key: BUTTON_ACK, label: "在岗", style: 1 }],
      },
    },
    recipients: await resolveRecipients(tx, [server], deps.channels),
    source: `duty:${shift.id}`,
  });
  const policy = spotCheckPolicy(deps.settings);
  await startRuns(tx, SPOT_CHECK_KIND, [{ caseId: check.id, anchorAt: at, policy, nextActionAt: nextDueAt(policy, at, new Set()) }], at);
  return check;
}

/** The open spot check of a person (the latest unanswered one sent to a shift they serve), if any. */
export async function openCheckOf(tx: EntityManager, personId: number, at: Date): Promise<DutySpotCheck | null> {
  const row = await tx
    .createQueryBuilder(DutySpotCheck, "c")
    .innerJoin(DutyShift, "s", "s.id = c.shift_id")
    .where("c.answered_at IS NULL AND c.sent_at <= :at AND COALESCE(s.served_by_id, s.person_id) = :personId", { at, personId })
    .orderBy("c.sent_at", "DESC")
    .getOne();
  return row ?? null;
}

/** Records the answer once; late when past the deadline (still logged: the leader sees when). */
export async function answerSpotCheck(tx: EntityManager, check: DutySpotCheck, person: Person, at: Date): Promise<"answered" | "late" | "already"> {
  const res = await tx.createQueryBuilder().update(DutySpotCheck).set({ answeredAt: at }).where("id = :id AND answered_at IS NULL", { id: check.id }).execute();
  if ((res.affected ?? 0) === 0) return "already";
  const shift = await findShift(tx, check.shiftId);
  const late = at.getTime() > check.dueAt.getTime();
  const minutes = Math.max(0, Math.round((at.getTime() - check.sentAt.getTime()) / 60_000));
  await logLine(tx, shift, "spot_answered", person.id, at, `查岗应答（${minutes} 分钟${late ? "，已超时" : ""}）`);
  return late ? "late" : "answered";
}
