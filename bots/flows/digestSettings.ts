import { DIGEST_ROLES } from "../../src/domain/digest/scope";
import { type Flow, type FlowContext, type FlowState, next, type Next, type Question } from "../flow";

/**
 * 简报设置: a leader switches their 每日简报 off or on, or moves it to another hour, in chat —
 * the same choice `PUT /api/digests/settings` makes. Today's digest, if already sent, stays sent.
 */

const OFF = "off";
const ON = "on";
const HOUR = "hour";
const DEFAULT = "default";

const at = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

type Digests = NonNullable<FlowContext["services"]["digests"]>;

async function menu(ctx: FlowContext, digests: Digests): Promise<Question> {
  const choice = await digests.choice(ctx.person.id);
  const hour = choice.hour ?? digests.defaultHour;
  const now = choice.enabled ? `已开启，每天 ${at(hour)}（北京时间）发送${choice.hour === null ? "（默认时间）" : ""}` : "已关闭";
  return {
    text: `您的每日简报：${now}。请选择：`,
    choices: [
      choice.enabled ? { key: OFF, label: "关闭简报" } : { key: ON, label: "开启简报" },
      { key: HOUR, label: "修改发送时间" },
      // Short labels: longer ones do not fit on a card's buttons.
      ...(choice.hour !== null ? [{ key: DEFAULT, label: "恢复默认时间", detail: `每天 ${at(digests.defaultHour)}` }] : []),
    ],
  };
}

const hourQuestion = (): Question => ({ text: "请回复每天接收简报的整点（0–23，北京时间）", examples: "例如：7 表示每天 07:00" });

export const digestSettingsFlow: Flow = {
  name: "digest_settings",
  label: "简报设置",
  summary: "开启或关闭每日简报，修改接收时间",
  keywords: ["简报", "每日简报", "简报设置"],
  allowed: (person) => person.active && person.roles.some((r) => DIGEST_ROLES.includes(r)),

  async start(ctx) {
    const digests = ctx.services.digests;
    if (!digests) {
      ctx.say("每日简报功能未启用。");
      return next.done();
    }
    return next.ask(await menu(ctx, digests), "menu", {});
  },

  async reply(ctx, state, input) {
    const digests = ctx.services.digests;
    if (!digests) return next.done();
    if (state.step === "hour") return hour(ctx, digests, state, input.kind === "text" ? input.text : "");
    const key = input.kind === "choice" ? input.key : undefined;
    if (key === HOUR) return next.ask(hourQuestion(), "hour", {});
    if (key === OFF || key === ON || key === DEFAULT) {
      const change = key === DEFAULT ? { hour: null } : { enabled: key === ON };
      const saved = await digests.setChoice(ctx.person.id, change);
      ctx.say(saved.enabled ? `已设置：每日简报每天 ${at(saved.hour ?? digests.defaultHour)}（北京时间）发送。` : "已关闭每日简报。需要时回复「简报」重新开启。");
      return next.done();
    }
    return next.retry(await menu(ctx, digests), state, "请回复选项的序号");
  },
};

async function hour(ctx: FlowContext, digests: Digests, state: FlowState, text: string): Promise<Next> {
  const t = text.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/(:00|点|时)$/, "");
  const value = /^\d{1,2}$/.test(t) ? Number(t) : NaN;
  if (!(value >= 0 && value <= 23)) return next.retry(hourQuestion(), state, "接收时间应为 0–23 之间的整点");
  const saved = await digests.setChoice(ctx.person.id, { hour: value, enabled: true });
  ctx.say(`已设置：每日简报每天 ${at(saved.hour ?? value)}（北京时间）发送，从下一次起生效。`);
  return next.done();
}
