import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { formatLocal } from "../../clock";
import { Person } from "../../db/entities";
import { DutyShift } from "../../db/entities/DutyShift";
import { DutySwap } from "../../db/entities/DutySwap";
import { Conflict, Invalid, NotFound } from "../../errors";
import { type OutboxService, resolveRecipients } from "../outbox";
import { chainOf, leaderOnDuty, serverOf, unitHead } from "./audience";
import { logLine } from "./checkIn";
import { findShift } from "./shifts";
import { dutyRoles } from "./vocabulary";
import { viewOf } from "./views";

export interface SwapDeps {
  outbox: Pick<OutboxService, "enqueue">;
  channels: readonly ChannelId[];
}

export const SWAP_ACCEPT = "accept";
export const SWAP_DECLINE = "decline";
export const swapTaskId = (swapId: number): string => `ds${swapId}`;

/** A colleague by mobile or by exact name (active, and the name unique). */
export async function colleague(tx: EntityManager, ref: string): Promise<Person> {
  const t = ref.trim();
  const found = /^1\d{10}$/.test(t) ? await tx.find(Person, { where: { mobile: t, active: true } }) : await tx.find(Person, { where: { name: t, active: true } });
  if (found.length === 0) throw Invalid(`找不到“${t}”，请输入同事的姓名或手机号`, undefined, "duty_swap_unknown_person");
  if (found.length > 1) throw Invalid(`有多位名为“${t}”的人员，请输入手机号`, undefined, "duty_swap_ambiguous_person");
  return found[0] as Person;
}

async function tell(tx: EntityManager, deps: SwapDeps, personId: number, key: string, message: Parameters<SwapDeps["outbox"]["enqueue"]>[1]["message"], shiftId: number): Promise<void> {
  const person = await tx.findOneBy(Person, { id: personId });
  if (!person) return;
  await deps.outbox.enqueue(tx, { idempotencyKey: key, lane: "reply", message, recipients: await resolveRecipients(tx, [person], deps.channels), source: `duty:${shiftId}` });
}

/** 换班: the person serving a shift not yet begun asks a colleague to take it; the colleague gets a card to accept or decline. */
export async function askSwap(tx: EntityManager, deps: SwapDeps, asker: Person, shiftId: number, to: Person, at: Date): Promise<DutySwap> {
  const shift = await findShift(tx, shiftId);
  if (serverOf(shift) !== asker.id) throw Conflict("只能为自己的班次申请换班", "duty_swap_not_yours");
  if (shift.startAt.getTime() <= at.getTime()) throw Conflict("班次已开始，不能再换班", "duty_swap_started");
  if (to.id === asker.id) throw Invalid("不能与自己换班", undefined, "duty_swap_self");
  const swap = await tx.save(tx.create(DutySwap, { shiftId, fromPersonId: asker.id, toPersonId: to.id, state: "asked", askedAt: at, answeredAt: null }));
  const view = await viewOf(tx, shift);
  await tell(tx, deps, to.id, `duty-swap:${swap.id}:ask`, {
    kind: "card",
    card: {
      taskId: swapTaskId(swap.id),
      title: "换班申请",
      description: `${asker.name} 请您代为值班：\n${view.unitName}｜${dutyRoles.labelOf(shift.role)}\n${formatLocal(shift.startAt)} 至 ${formatLocal(shift.endAt)}`,
      buttons: [
        { key: SWAP_ACCEPT, label: "同意", style: 1 },
        { key: SWAP_DECLINE, label: "拒绝", style: 2 },
      ],
    },
  }, shift.id);
  return swap;
}

/**
 * The colleague's answer, once. Accepted: the shift is theirs to serve (the roster keeps who was
 * planned and shows who served), its confirmation starts over, the duty log records it, and the
 * asker and the duty leader (else the unit head) are told.
 */
export async function answerSwap(tx: EntityManager, deps: SwapDeps, person: Person, swapId: number, accept: boolean, at: Date): Promise<"accepted" | "declined" | "already" | "started"> {
  const swap = await tx.findOneBy(DutySwap, { id: swapId });
  if (!swap || swap.toPersonId !== person.id) throw NotFound("该换班申请", "duty_swap_not_found");
  if (swap.state !== "asked") return "already";
  const shift = await tx.findOneBy(DutyShift, { id: swap.shiftId });
  if (!shift || serverOf(shift) !== swap.fromPersonId || shift.startAt.getTime() <= at.getTime()) {
    await tx.update(DutySwap, { id: swap.id }, { state: "withdrawn", answeredAt: at });
    return "started";
  }
  const res = await tx.createQueryBuilder().update(DutySwap).set({ state: accept ? "accepted" : "declined", answeredAt: at }).where("id = :id AND state = 'asked'", { id: swap.id }).execute();
  if ((res.affected ?? 0) === 0) return "already";
  const view = await viewOf(tx, shift);
  const span = `${view.unitName}｜${dutyRoles.labelOf(shift.role)}｜${formatLocal(shift.startAt)} 至 ${formatLocal(shift.endAt)}`;
  const asker = await tx.findOneByOrFail(Person, { id: swap.fromPersonId });
  if (!accept) {
    await tell(tx, deps, asker.id, `duty-swap:${swap.id}:declined`, { kind: "text", text: `${person.name} 未同意代您值班（${span}），请另行安排。` }, shift.id);
    return "declined";
  }
  await tx.update(DutyShift, { id: shift.id }, { servedById: person.id === shift.personId ? null : person.id, confirmedAt: null, updatedAt: at });
  await logLine(tx, shift, "swap", person.id, at, `换班：${asker.name} → ${person.name}`);
  await tell(tx, deps, asker.id, `duty-swap:${swap.id}:accepted`, { kind: "text", text: `${person.name} 已同意代您值班（${span}）。` }, shift.id);
  const chain = await chainOf(tx, shift.unitId);
  const leader = (await leaderOnDuty(tx, chain, shift.startAt, person.id)) ?? (await unitHead(tx, chain, person.id));
  if (leader !== null && leader !== asker.id) await tell(tx, deps, leader, `duty-swap:${swap.id}:leader`, { kind: "text", text: `【换班】${span}：${asker.name} 换为 ${person.name}。` }, shift.id);
  return "accepted";
}
