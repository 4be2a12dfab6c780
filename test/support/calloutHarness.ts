import type { InboundEvent } from "../../src/channels/channel";
import { EscalationStep, type Person } from "../../src/db/entities";
import { Person as PersonEntity } from "../../src/db/entities";
import { CalloutService } from "../../src/domain/callouts";
import type { DraftInput } from "../../src/domain/callouts";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { BotEngine } from "../../bots/engine";
import { flows as FLOWS } from "../../src/features";
import type { BotServices } from "../../bots/services";
import { wecomId } from "./accounts";
import { botServicesFor } from "./botServices";
import { type OutboxHarness, openOutboxHarness } from "./outboxHarness";

/** A demo county, the outbox with a recording WeChat Work, a callout service and the bot. */
export interface CalloutHarness extends OutboxHarness {
  callouts: CalloutService;
  bot: BotEngine;
  /** What the bot's flows act through (its media store takes the photos a test sends). */
  botServices: BotServices;
  person(name: string): Promise<Person>;
  /** Drains the outbox once at the clock's time. */
  drain(): Promise<void>;
  click(person: Person, taskId: string, buttonKey?: string): Promise<void>;
  say(person: Person, text: string): Promise<void>;
  steps(calloutId: number): Promise<EscalationStep[]>;
  /** Lets the fault hook throw for the next `n` steps named `step`. */
  failNext(step: string, n: number): void;
}

export const draft = (over: Partial<DraftInput> = {}): DraftInput => ({
  title: "暴雨橙色预警叫应",
  text: "县气象台发布暴雨橙色预警，请立即组织巡查，落实停工撤离措施。",
  warningType: "rainstorm",
  level: "orange",
  requiresReport: true,
  rules: [{ units: ["QH-DL", "QH-NC"], roles: ["village_cadre"] }],
  personIds: [],
  remindEveryMinutes: 5,
  maxReminders: 2,
  ...over,
});

export async function openCalloutHarness(): Promise<CalloutHarness> {
  const h = await openOutboxHarness();
  await loadDemo(h.stores.db, h.clock);
  const faults = new Map<string, number>();
  const fault = (step: string) => {
    const left = faults.get(step) ?? 0;
    if (left <= 0) return;
    faults.set(step, left - 1);
    throw new Error(`injected crash after enqueue (${step})`);
  };
  const callouts = new CalloutService({ db: h.stores.db, clock: h.clock, outbox: h.outbox, channels: ["wecom"], fault });
  const botServices = botServicesFor(h.stores.db, h.clock, h.outbox);
  const bot = new BotEngine({ kv: h.stores.kv, services: botServices, flows: FLOWS, callouts });
  const worker = h.worker();
  let seq = 0;
  // The person's WeChat Work account, read when they act (a test may have changed it).
  const event = async (p: Person, body: Partial<InboundEvent>): Promise<InboundEvent> =>
    ({ channel: "wecom", eventId: `ev-${++seq}`, senderId: await wecomId(h.stores.db.manager, p), occurredAt: h.clock.now(), ...body }) as InboundEvent;
  return {
    ...h,
    callouts,
    bot,
    botServices,
    person: (name) => h.stores.db.manager.findOneByOrFail(PersonEntity, { name }),
    async drain() {
      await worker.drainOnce(h.clock.now());
    },
    click: async (p, taskId, buttonKey = "ack") => bot.handle(await event(p, { kind: "card_click", taskId, buttonKey, responseCode: `rc-${seq}` })),
    say: async (p, text) => bot.handle(await event(p, { kind: "text", text })),
    steps: (calloutId) => h.stores.db.manager.find(EscalationStep, { where: { caseKind: "callout", caseId: calloutId }, order: { id: "ASC" } }),
    failNext: (step, n) => faults.set(step, n),
  };
}
