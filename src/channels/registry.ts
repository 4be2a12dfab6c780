import type Router from "@koa/router";
import { CHANNEL_NAMES, type ChannelCapabilities, type ChannelId, type ChannelLimits, type ChannelSender, type DeliveryReports, PLAIN_TEXT } from "./channel";
import { ConsoleChannel, consoleChannel } from "./console";
import type { ActiveChannel, ChannelContext, ChannelModule, MessengerSignIn, RouteContext } from "./module";
import type { StoredMedia } from "../media/MediaStore";
import { AppError } from "../errors";
import type { ContactSource } from "../domain/org/contactSource";
import { wecomChannel } from "./wecom";
import { dingtalkChannel } from "./dingtalk";

/**
 * Every messenger Anshao speaks, in order of preference: a person with accounts on several (and
 * no preferred one) is reached on the first enabled one. The only list that names them all; a new
 * messenger is its folder under src/channels/ plus one line here.
 */
export const CHANNEL_MODULES: readonly ChannelModule[] = [wecomChannel, dingtalkChannel, consoleChannel];

const byId = new Map<ChannelId, ChannelModule>(CHANNEL_MODULES.map((m) => [m.id, m]));

/** What a channel's messages can carry; a channel not (yet) registered gets plain text. */
export function capabilitiesOf(channel: ChannelId): ChannelCapabilities {
  return byId.get(channel)?.capabilities ?? PLAIN_TEXT;
}

/** A channel's name as people read it (`企业微信`). */
export function displayNameOf(channel: ChannelId): string {
  return byId.get(channel)?.displayName ?? CHANNEL_NAMES[channel];
}

/** The sending limits of every registered channel, for the outbox's rate limiter. */
export function channelLimits(config: ChannelContext["config"]): Partial<Record<ChannelId, ChannelLimits>> {
  const table: Partial<Record<ChannelId, ChannelLimits>> = {};
  for (const m of CHANNEL_MODULES) {
    const limits = m.limits(config);
    if (limits) table[m.id] = limits;
  }
  return table;
}

/** The enabled channels of this deployment, started, with what the composition root wires from them. */
export interface Channels {
  /** Enabled channel ids in order of preference. */
  ids: readonly ChannelId[];
  senders: ReadonlyMap<ChannelId, ChannelSender>;
  limits: Partial<Record<ChannelId, ChannelLimits>>;
  /** Brings an inbound event's media into our store; refuses a channel that is not running. */
  inboundMedia(channel: ChannelId, mediaId: string): Promise<StoredMedia>;
  /** The address books contact sync reads, by channel (WeChat Work's today). */
  contacts: ReadonlyMap<ChannelId, ContactSource>;
  /** The channels that report undelivered sends after the fact, by channel (DingTalk's). */
  deliveryReports: ReadonlyMap<ChannelId, DeliveryReports>;
  /** Every enabled channel's inbound routes. */
  routes(ctx: RouteContext): Router[];
  /** Opens every enabled channel's long connection (the server only); `stop` closes them. */
  connect(ctx: Omit<RouteContext, "guard">): { stop(): Promise<void> };
  /** The console's chat store, which the console page reads; undefined when the console is off. */
  consoleStore?: ConsoleChannel["store"];
  /** In-app sign-ins for the admin console, by channel (WeChat Work's; DingTalk's when it offers one). */
  signIns: ReadonlyMap<ChannelId, MessengerSignIn>;
}

/** Starts every enabled channel module; the composition root calls this once. */
export function buildChannels(ctx: ChannelContext): Channels {
  const active: ActiveChannel[] = CHANNEL_MODULES.filter((m) => m.enabled(ctx.config)).map((m) => m.start(ctx));
  const byChannel = new Map(active.map((a) => [a.id, a]));
  const contacts = new Map<ChannelId, ContactSource>();
  for (const a of active) if (a.contacts) contacts.set(a.id, a.contacts);
  const consoleActive = active.find((a): a is ConsoleChannel => a instanceof ConsoleChannel);
  return {
    ids: active.map((a) => a.id),
    senders: new Map(active.map((a) => [a.id, a.sender])),
    limits: channelLimits(ctx.config),
    inboundMedia(channel, mediaId) {
      const a = byChannel.get(channel);
      if (!a) return Promise.reject(new AppError("bot_media_channel", "暂不支持接收该渠道的文件", 400));
      return a.downloadMedia(mediaId);
    },
    contacts,
    signIns: new Map(active.flatMap((a) => (a.signIn ? [[a.id, a.signIn] as const] : []))),
    deliveryReports: new Map(active.flatMap((a) => (a.deliveryReports ? [[a.id, a.deliveryReports] as const] : []))),
    routes: (routeCtx) => active.map((a) => a.routes(routeCtx)).filter((r): r is Router => r !== undefined),
    connect(connectCtx) {
      const open = active.flatMap((a) => (a.connect ? [a.connect(connectCtx)] : []));
      return { stop: async () => void (await Promise.all(open.map((c) => c.stop()))) };
    },
    ...(consoleActive ? { consoleStore: consoleActive.store } : {}),
  };
}
