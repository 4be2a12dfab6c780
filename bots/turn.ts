import { randomBytes } from "node:crypto";
import type { ChannelId, InboundEvent, OutboundMessage } from "../src/channels/channel";
import type { Person } from "../src/db/entities";
import type { ConversationChange } from "../src/domain/conversations";
import type { FlowContext } from "./flow";
import { renderInfo } from "./render";
import type { BotServices } from "./services";

/**
 * One inbound message being answered: who, what the bot will say, and what becomes of the
 * conversation. Nothing is stored until the turn commits, and then all of it at once.
 */
export class Turn {
  readonly outgoing: OutboundMessage[] = [];
  /** Set when a confidential flow (举报) took part in this turn. */
  confidential = false;
  /** What the turn does to the conversation; the last word wins. */
  change: ConversationChange = { kind: "keep" };
  /** How the question on screen was put behind when this turn moves past it ("已选：…", "已取消"); see BotEngine. */
  passedAs?: string;

  constructor(
    readonly event: InboundEvent,
    readonly person: Person,
    private readonly services: BotServices,
  ) {}

  get channel(): ChannelId {
    return this.event.channel;
  }

  /** `<channel>:<event id>`: names this turn in its reply keys, its commit and its domain requests. */
  get eventKey(): string {
    return `${this.event.channel}:${this.event.eventId}`;
  }

  say(text: string): void {
    this.outgoing.push({ kind: "text", text });
  }

  send(message: OutboundMessage): void {
    this.outgoing.push(message);
  }

  context(): FlowContext {
    return {
      person: this.person,
      now: this.services.clock.now(),
      services: this.services,
      requestKey: `bot:${this.eventKey}`,
      say: (text) => this.say(text),
      file: (storageKey) => this.send({ kind: "file", storageKey }),
      card: (card) => this.send(renderInfo(this.channel, { ...card, taskId: `bot_info_${this.person.id}_${randomBytes(6).toString("hex")}` })),
    };
  }
}
