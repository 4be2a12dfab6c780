import type { OutboundMessage } from "../../channels/channel";
import { formatLocal } from "../../clock";
import { BUTTON_ACK, dutyRoles, type DutyRole, shiftTaskId } from "./vocabulary";

/** Everything a person reads about duty, in one place for review. */

export interface ShiftView {
  id: number;
  unitName: string;
  personName: string;
  role: DutyRole;
  startAt: Date;
  endAt: Date;
}

const span = (s: ShiftView) => `${formatLocal(s.startAt)} 至 ${formatLocal(s.endAt)}`;

/** The reminder card to the person on duty: confirm with 「收到」. */
export function reminderCard(s: ShiftView, step: string, critical: boolean, anchor: Date): OutboundMessage {
  const title = step === "evening" ? "明日值班提醒" : "值班即将开始";
  return {
    kind: "card",
    card: {
      // WeChat Work wants a new task id per card: a moved shift's cards carry their new start.
      taskId: shiftTaskId(s.id, `${step}${Math.floor(anchor.getTime() / 60_000).toString(36)}`),
      title: critical ? `【重要节点】${title}` : title,
      description: `${s.unitName}｜${dutyRoles.labelOf(s.role)}\n${span(s)}\n${critical ? "重要节点期间实行24小时值班和领导带班，到岗签到须发送位置。" : "请按时到岗，到岗后回复“到岗签到”。"}`,
      fields: [
        { label: "值班时间", value: span(s) },
        { label: "确认方式", value: "点「收到」或回复“收到”" },
      ],
      buttons: [{ key: BUTTON_ACK, label: "收到", style: 1 }],
    },
  };
}

/** What a leader or unit head is told about someone else's shift, by step. */
export function escalationText(s: ShiftView, step: string): OutboundMessage {
  const who = `${s.unitName} ${dutyRoles.labelOf(s.role)} ${s.personName}（${span(s)}）`;
  const lines: Record<string, string> = {
    unconfirmed: `【值班未确认】${who} 至值班开始仍未确认收到值班提醒，请及时联系落实。`,
    checkin2: `【值班未到岗】${who} 值班开始后仍未到岗签到，请立即联系落实。`,
    checkin3: `【值班未到岗·上报】${who} 值班开始后长时间未到岗签到，带班领导已获通知，请督促落实。`,
  };
  return { kind: "text", text: lines[step] ?? `【值班提醒】${who}` };
}

/** The reminder to the person themselves when the check-in is late. */
export function checkInReminder(s: ShiftView): OutboundMessage {
  return { kind: "text", text: `【到岗签到提醒】您在${s.unitName}的值班已于 ${formatLocal(s.startAt)} 开始，尚未到岗签到。请回复“到岗签到”。` };
}

/** A roster change, told once to each person whose shifts changed. */
export function rosterChangeText(added: readonly ShiftView[], removed: readonly ShiftView[]): OutboundMessage {
  const line = (s: ShiftView) => `${s.unitName}｜${dutyRoles.labelOf(s.role)}｜${span(s)}`;
  const parts = ["【值班安排变动】"];
  if (added.length) parts.push("新增：", ...added.map(line));
  if (removed.length) parts.push("取消：", ...removed.map(line));
  parts.push("回复“值班”可查看当前值班安排。");
  return { kind: "text", text: parts.join("\n") };
}

/** A spot check left unanswered, to the duty leader and then the unit head. */
export function missedCheckText(s: ShiftView, sentAt: Date, step: string): OutboundMessage {
  const who = `${s.unitName} ${dutyRoles.labelOf(s.role)} ${s.personName}`;
  return { kind: "text", text: `【查岗未应答${step === "missed2" ? "·上报" : ""}】${who} 未应答 ${formatLocal(sentAt)} 发出的查岗，请立即联系核实在岗情况。` };
}
