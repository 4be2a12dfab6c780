import type Router from "@koa/router";
import type { Middleware } from "koa";
import type { Clock } from "../clock";
import type { Config } from "../config";
import type { Database } from "../db/Database";
import type { ContactSource } from "../domain/org/contactSource";
import type { KeyValue } from "../kv";
import type { Logger } from "../log";
import type { MediaStore, StoredMedia } from "../media/MediaStore";
import type { ChannelCapabilities, ChannelId, ChannelLimits, ChannelSender, DeliveryReports, InboundEvent, InboundSink } from "./channel";

/** What a channel may use when it starts: shared infrastructure, never the domain. */
export interface ChannelContext {
  config: Config;
  db: Database;
  kv: KeyValue;
  clock: Clock;
  log: Logger;
  /** Where inbound media lands and outbound files are read from. */
  media: MediaStore;
}

/** What a channel's inbound routes are given by the composition root. */
export interface RouteContext {
  /** The durable inbox every verified event goes into. */
  sink: InboundSink;
  /** The clicked button's answered label, for channels that grey a card out in their reply. */
  buttonLabel?: (event: Extract<InboundEvent, { kind: "card_click" }>, pressed?: string) => string;
  /** Runs before a channel's own endpoints where the deployment wants a sign-in (the console's API). */
  guard: Middleware[];
}

/** A channel as it runs in this process, once its module has started it. */
export interface ActiveChannel {
  readonly id: ChannelId;
  /** The outbound half, as the outbox worker uses it. */
  readonly sender: ChannelSender;
  /** The channel's callbacks (its inbound half); undefined when it has none to mount. */
  routes(ctx: RouteContext): Router | undefined;
  /** Brings a platform media id from an inbound event into our MediaStore. */
  downloadMedia(mediaId: string): Promise<StoredMedia>;
  /** The platform's address book, where contact sync reads people and departments from. */
  readonly contacts?: ContactSource;
  /** Who did not get what the platform accepted, for channels that deliver later (DingTalk). */
  readonly deliveryReports?: DeliveryReports;
  /**
   * Opens the channel's own long connection (DingTalk's Stream mode), feeding the inbox as the
   * routes do; only the server calls it, never a CLI. Undefined: the channel has none.
   */
  connect?(ctx: Omit<RouteContext, "guard">): { stop(): Promise<void> };
  /** In-app sign-in for the admin console (OAuth code → the person's account id); absent when the platform offers none. */
  readonly signIn?: MessengerSignIn;
}

/** A messenger's in-app sign-in: where to send the browser, and whose account a returned code is. */
export interface MessengerSignIn {
  /** The platform's authorisation page, which comes back to `redirectUri?code=…&state=…`. */
  authorizeUrl(redirectUri: string, state: string): string;
  /** The account id (`person_accounts.account_id`) behind a code; null when the code is invalid, used or not a member's. */
  accountForCode(code: string): Promise<string | null>;
}

/** One line of `npm run doctor`. */
export interface DoctorCheck {
  title: string;
  ok: boolean;
  detail: string;
  /** What to do, when the check failed. */
  fix?: string;
}

/**
 * Everything Anshao knows of one messenger, exported as ONE object from `src/channels/<id>/index.ts`
 * and listed once in src/channels/registry.ts. Nothing outside the channel's folder decides
 * anything by its name: the outbox asks its limits, the bots its capabilities, the root its routes.
 */
export interface ChannelModule {
  readonly id: ChannelId;
  /** How people call it, in messages they read (`企业微信`). */
  readonly displayName: string;
  readonly capabilities: ChannelCapabilities;
  /** Whether this deployment configured it; a disabled channel mounts nothing and sends nothing. */
  enabled(config: Config): boolean;
  /** The platform's sending limits for this deployment (undefined: not limited). */
  limits(config: Config): ChannelLimits | undefined;
  /** Builds the running channel; only called when `enabled(config)`. */
  start(ctx: ChannelContext): ActiveChannel;
  /** Read-only checks of the settings and the platform, for `npm run doctor`. */
  doctor?(config: Config): Promise<DoctorCheck[]>;
}
