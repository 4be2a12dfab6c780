import { formatLocal } from "../../src/clock";
import type { DutyShift } from "../../src/db/entities/DutyShift";
import { checkInReply, type DutyService, dutyRoles, serverOf } from "../../src/domain/duty";
import { type Flow, type FlowContext, next, type Question } from "../flow";

/**
 * Duty in chat: 值班 (who is on duty in my unit now and today), 到岗签到 (with a shared location
 * when a critical period asks for it) and 交接班 (what the next shift must know).
 */

/** The duty service; the feature registers it with these flows, so it is there whenever they are. */
function dutyOf(ctx: FlowContext): DutyService {
  if (!ctx.services.duty) throw new Error("duty flows need the duty feature's services");
  return ctx.services.duty;
}

const span = (s: DutyShift) => `${formatLocal(s.startAt).slice(5)} 至 ${formatLocal(s.endAt).slice(5)}`;

export const dutyFlow: Flow = {
  name: "duty",
  label: "值班",
  summary: "查看本单位当前和今日值班安排",
  keywords: ["值班", "值班表", "今日值班"],
  allowed: (person) => person.active,
  async start(ctx) {
    const { now, today, names } = await dutyOf(ctx).today(ctx.person);
    const line = (s: DutyShift) => `${dutyRoles.labelOf(s.role)} ${names.get(serverOf(s)) ?? ""}｜${span(s)}${s.checkedInAt ? "｜已到岗" : ""}`;
    const lines = ["【当前在岗】", ...(now.length ? now.map(line) : ["暂无"]), "【今日值班】", ...(today.length ? today.map(line) : ["今日本单位无排班"])];
    ctx.say(lines.join("\n"));
    return next.done();
  },
  reply: async () => next.done(),
};

const askLocation: Question = { text: "当前处于重要节点，到岗签到须发送位置：请发送您的当前位置。" };

export const dutyCheckInFlow: Flow = {
  name: "duty_check_in",
  label: "到岗签到",
  summary: "值班人员到岗后签到",
  keywords: ["到岗签到", "签到", "到岗"],
  allowed: (person) => person.active,
  async start(ctx) {
    const outcome = await dutyOf(ctx).checkIn(ctx.person, null);
    if (outcome.kind === "need_location") return next.ask(askLocation, "location", {});
    ctx.say(checkInReply(outcome));
    return next.done();
  },
  async reply(ctx, state, input) {
    if (input.kind !== "location") return next.retry(askLocation, state, "需要您的位置才能完成签到");
    ctx.say(checkInReply(await dutyOf(ctx).checkIn(ctx.person, { latitude: input.latitude, longitude: input.longitude })));
    return next.done();
  },
};

const askNote: Question = { text: "交接班：请输入需要下一班跟进的事项（一条消息写完）", examples: "例如：东岭村河道水位偏高，22点再巡查一次" };

export const dutyHandoverFlow: Flow = {
  name: "duty_handover",
  label: "交接班",
  summary: "写下需要下一班跟进的事项",
  keywords: ["交接班", "交班"],
  allowed: (person) => person.active,
  start: async () => next.ask(askNote, "note", {}),
  async reply(ctx, state, input) {
    if (input.kind !== "text" || !input.text.trim()) return next.retry(askNote, state, "请用文字写下交接事项");
    const shift = await dutyOf(ctx).handover(ctx.person, input.text);
    ctx.say(shift ? "交接事项已记录，下一班到岗签到时会收到。" : "您当前没有值班，无需交接。");
    return next.done();
  },
};

/** 查岗 from chat: a duty leader (or a unit head) picks a running shift of their unit or below. */
export const dutySpotCheckFlow: Flow = {
  name: "duty_spot_check",
  label: "查岗",
  summary: "带班领导向在岗值班人员发起查岗",
  keywords: ["查岗"],
  allowed: (person) => person.active && person.roles.some((r) => ["duty_leader", "chief", "deputy_leader", "admin_owner", "admin"].includes(r)),
  async start(ctx) {
    const running = await dutyOf(ctx).runningBelow(ctx.person);
    if (running.length === 0) {
      ctx.say("本单位及下级当前没有在岗的值班人员。");
      return next.done();
    }
    const choices = running.slice(0, 20).map((r) => ({ key: String(r.shift.id), label: `${r.unitName} ${dutyRoles.labelOf(r.shift.role)} ${r.name}` }));
    return next.ask({ text: "请选择要查岗的值班人员", choices }, "pick", { choices });
  },
  async reply(ctx, state, input) {
    const choices = (state.data.choices ?? []) as { key: string; label: string }[];
    const picked = input.kind === "choice" ? choices.find((c) => c.key === input.key) : undefined;
    if (!picked) return next.retry({ text: "请选择要查岗的值班人员", choices }, state, "请回复序号");
    const check = await dutyOf(ctx).spotCheck(ctx.person, Number(picked.key));
    ctx.say(`已向 ${picked.label} 发出查岗，须于 ${formatLocal(check.dueAt)} 前应答；未应答将通知带班领导并逐级上报。`);
    return next.done();
  },
};

const askColleague: Question = { text: "请输入代您值班的同事姓名或手机号", examples: "例如：孙丽 或 13900000007" };

/** 换班 from chat: pick one of my coming shifts, name a colleague; they accept or decline on a card. */
export const dutySwapFlow: Flow = {
  name: "duty_swap",
  label: "换班",
  summary: "请同事代为值班（对方同意后生效，带班领导会收到通知）",
  keywords: ["换班", "调班"],
  allowed: (person) => person.active,
  async start(ctx) {
    const mine = await dutyOf(ctx).upcoming(ctx.person);
    if (mine.length === 0) {
      ctx.say("您近两周没有可以换班的班次。");
      return next.done();
    }
    const choices = mine.slice(0, 20).map((s) => ({ key: String(s.id), label: `${dutyRoles.labelOf(s.role)} ${span(s)}` }));
    return next.ask({ text: "请选择要换出的班次", choices }, "pick", { choices });
  },
  async reply(ctx, state, input) {
    if (state.step === "pick") {
      const choices = (state.data.choices ?? []) as { key: string; label: string }[];
      const picked = input.kind === "choice" ? choices.find((c) => c.key === input.key) : undefined;
      if (!picked) return next.retry({ text: "请选择要换出的班次", choices }, state, "请回复序号");
      return next.ask(askColleague, "who", { shiftId: Number(picked.key), label: picked.label });
    }
    if (input.kind !== "text") return next.retry(askColleague, state, "请输入同事的姓名或手机号");
    const { to } = await dutyOf(ctx).askSwap(ctx.person, Number(state.data.shiftId), input.text);
    ctx.say(`已向 ${to.name} 发出换班申请（${String(state.data.label)}），对方同意后生效。`);
    return next.done();
  },
};
