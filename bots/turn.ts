import { randomBytes } from "node:crypto";
import type { ChannelId, InboundEvent, OutboundMessage } from "../src/channels/channel";
import type { Person } from "../src/db/entities";
import type { FlowContext } from "./flow";
import { renderInfo } from "./render";
import type { BotServices } from "./services";

/** One inbound message being answered: who, and what the bot will say. */
export class Turn {
  readonly outgoing: OutboundMessage[] = [];
  /** Set when a confidential flow (举报) took part in this turn. */
  confidential = false;

  constructor(
    readonly event: InboundEvent,
    readonly person: Person,
    private readonly services: BotServices,
  ) {}

  get channel(): ChannelId {
    return this.event.channel;
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
      say: (text) => this.say(text),
      file: (storageKey) => this.send({ kind: "file", storageKey }),
      card: (card) => this.send(renderInfo(this.channel, { ...card, taskId: `bot_info_${this.person.id}_${randomBytes(6).toString("hex")}` })),
    };
  }
}
