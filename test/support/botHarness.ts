import { BotEngine } from "../../bots/engine";
import { flows as FLOWS } from "../../src/features";
import type { BotServices } from "../../bots/services";
import type { Card, InboundEvent, OutboundMessage } from "../../src/channels/channel";
import { Hazard, Person } from "../../src/db/entities";
import { ConversationService } from "../../src/domain/conversations";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import type { OutboxService } from "../../src/domain/outbox";
import { wecomId, wecomIdOf } from "./accounts";
import { botServicesFor } from "./botServices";
import { openOutboxHarness, type OutboxHarness } from "./outboxHarness";

/** A 1×1 JPEG: enough for the store's type sniffing. */
export const JPEG = Buffer.from("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=", "base64");

/** What a person can send the bot in a test. */
export type Said =
  | string
  | { photo: Buffer; type?: string }
  | { voice: Buffer }
  | { location: [number, number]; label?: string }
  /** Presses a button of the last card with buttons, or of `on` (an older card). */
  | { click: string; on?: Card }
  | { menu: string };

export interface BotHarness extends OutboxHarness {
  bot: BotEngine;
  services: BotServices;
  person(name: string): Promise<Person>;
  /** The event `name` sending `what` would be, for tests that hand it to the inbox themselves. */
  event(name: string, what: Said): Promise<InboundEvent>;
  /** Sends as `name` and returns what the bot answered them (after the outbox delivered it). */
  say(name: string, what: Said): Promise<OutboundMessage[]>;
  /** Lets the outbox worker deliver what is due now (`say` does this itself). */
  deliver(): Promise<void>;
  /** Every message delivered to `name` since the harness opened. */
  inbox(name: string): Promise<OutboundMessage[]>;
  /** The last card with buttons `name` received. */
  lastCard(name: string): Promise<Card>;
  hazard(number: string): Promise<Hazard>;
}

export interface BotHarnessOptions {
  /** The outbox the turns' replies are written to (e.g. one whose writes fail); the real one otherwise. */
  replyOutbox?: (outbox: OutboxService) => Pick<OutboxService, "enqueue">;
}

/** The bot engine with every flow, on the demo county, answering over a recording WeChat Work. */
export async function openBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const h = await openOutboxHarness();
  await loadDemo(h.stores.db, h.clock);
  const uploads = new Map<string, { bytes: Buffer; type: string }>();
  const services = botServicesFor(h.stores.db, h.clock, h.outbox, ["wecom"], uploads);
  if (options.replyOutbox) services.conversations = new ConversationService({ db: h.stores.db, outbox: options.replyOutbox(h.outbox), clock: h.clock, channels: ["wecom"] });
  const upload = (bytes: Buffer, type: string) => {
    const mediaId = `media-${++seq}`;
    uploads.set(mediaId, { bytes, type });
    return mediaId;
  };
  const bot = new BotEngine({ kv: h.stores.kv, services, flows: FLOWS });
  const worker = h.worker();
  let seq = 0;
  const person = (name: string) => h.stores.db.manager.findOneByOrFail(Person, { name });
  const inbox = async (name: string) => {
    const p = await person(name);
    const account = await wecomIdOf(h.stores.db.manager, p);
    return h.sender.delivered.filter((d) => d.recipient === account).map((d) => d.message);
  };
  const lastCard = async (name: string) => {
    const card = (await inbox(name)).filter((m) => m.kind === "card" && m.card.buttons?.length).at(-1);
    if (!card || card.kind !== "card") throw new Error(`${name} has no card with buttons`);
    return card.card;
  };
  const eventOf = async (p: Person, what: Said): Promise<InboundEvent> => {
    const base = { channel: "wecom" as const, eventId: `bot-ev-${++seq}`, senderId: await wecomId(h.stores.db.manager, p), occurredAt: h.clock.now() };
    if (typeof what === "string") return { ...base, kind: "text", text: what };
    if ("photo" in what) return { ...base, kind: "image", mediaId: upload(what.photo, what.type ?? "image/jpeg") };
    if ("voice" in what) return { ...base, kind: "voice", mediaId: upload(what.voice, "audio/amr") };
    if ("location" in what) return { ...base, kind: "location", latitude: what.location[0], longitude: what.location[1], ...(what.label ? { label: what.label } : {}) };
    if ("menu" in what) return { ...base, kind: "menu_click", key: what.menu };
    const card = what.on ?? (await lastCard(p.name));
    const button = card.buttons!.find((b) => b.label === what.click || b.key === what.click);
    if (!button) throw new Error(`no button ${what.click} on ${card.title}`);
    return { ...base, kind: "card_click", taskId: card.taskId, buttonKey: button.key };
  };
  return {
    ...h,
    bot,
    services,
    person,
    event: async (name, what) => eventOf(await person(name), what),
    async deliver() {
      await worker.drainOnce(h.clock.now());
    },
    inbox,
    lastCard,
    hazard: (number) => h.stores.db.manager.findOneByOrFail(Hazard, { number }),
    async say(name, what) {
      const p = await person(name);
      const before = (await inbox(name)).length;
      await bot.handle(await eventOf(p, what));
      await worker.drainOnce(h.clock.now());
      return (await inbox(name)).slice(before);
    },
  };
}

/** The words of a message, whatever its kind, for assertions. */
export function textOf(message: OutboundMessage): string {
  if (message.kind === "text") return message.text;
  if (message.kind === "card") {
    const c = message.card;
    return [c.title, c.description, ...(c.fields ?? []).map((f) => `${f.label}：${f.value}`), ...(c.buttons ?? []).map((b) => `[${b.label}]`)].filter(Boolean).join("\n");
  }
  if (message.kind === "markdown") return message.markdown;
  return JSON.stringify(message);
}

export const allText = (messages: OutboundMessage[]) => messages.map(textOf).join("\n---\n");
