import type Router from "@koa/router";
import type { ChannelId, InboundEvent } from "../channels/channel";
import type { Clock } from "../clock";
import type { Config } from "../config";
import type { EntityList } from "../db/dataSource";
import type { Database } from "../db/Database";
import type { InboxService } from "../domain/inbox";
import type { OutboxService } from "../domain/outbox";
import type { KeyValue } from "../kv";
import type { Logger } from "../log";
import type { MediaStore } from "../media/MediaStore";
import type { Flow } from "../../bots/flow";
import type { BotServices } from "../../bots/services";
import type { Job } from "../../jobs/Job";

/** A TypeORM entity class, as the data source takes it. */
export type EntityClass = EntityList[number];

/** What every feature is built from: the stores, the clock and the durable outbox, nothing of another feature. */
export interface Kernel {
  config: Config;
  log: Logger;
  clock: Clock;
  db: Database;
  kv: KeyValue;
  media: MediaStore;
  outbox: OutboxService;
  /** Enabled channels in order of preference, for messages the domain sends to people. */
  channels: readonly ChannelId[];
}

/** What routes and jobs may use besides their own services: the kernel and the inbox every channel feeds. */
export interface AppContext extends Kernel {
  inbox: InboxService;
}

/** Features a feature is built on, by the name its factory receives them under. */
export type Needs = { readonly [name: string]: AnyFeature };

/** The services of each needed feature, under the same names. */
export type ServicesOf<N extends Needs> = { [K in keyof N]: N[K] extends Feature<infer S, Needs> ? S : never };

/**
 * One area of the product (hazards, tips, callouts…) and everything it adds to the house: its
 * services, entities, HTTP routes, bot flows and jobs. The composition root builds each feature
 * once, after the features it `needs`, and mounts, offers and schedules what it declares; nothing
 * else names a feature. Methods, not function properties, so a list can hold features of any shape.
 */
export interface Feature<S = unknown, N extends Needs = Needs> {
  /** Stable, lower-case; names the feature in errors and logs. */
  name: string;
  /** The features whose services this one is built on; they must be in the features list too. */
  needs?: N;
  /** Builds the feature's services. May refuse to start (a damaged key file) by throwing. */
  services(kernel: Kernel, needs: ServicesOf<N>): S | Promise<S>;
  /** The tables the feature owns; its migration creates them (migrations/index.ts). */
  entities?: readonly EntityClass[];
  /** HTTP routers, mounted after the built-in ones in list order. */
  routes?(services: S, app: AppContext): Router[];
  /** Conversations the bot offers; the menu lists them in features-list order. */
  flows?: readonly Flow[];
  /** The part of `BotServices` this feature's flows act through (read-only queries may be built here from the kernel). */
  botServices?(services: S, kernel: Kernel): Partial<BotServices>;
  /**
   * Takes an inbound event before any conversation sees it (a 叫应 card click or "收到");
   * answers true when the event was its own.
   */
  botAnswers?(services: S): (event: InboundEvent) => Promise<boolean>;
  /** Scheduled jobs, each bound to the service it calls. */
  jobs?(services: S, app: AppContext): Job[];
}

/** Any feature, whatever its services; what the features list holds. */
// The method signatures above are checked bivariantly, so a Feature<HazardServices, {…}> fits here.
export type AnyFeature = Feature<unknown, Needs>;

/** Declares a feature with its services' type inferred from the factory and its needs typed by name. */
export function defineFeature<S, N extends Needs = Record<never, never>>(feature: Feature<S, N>): Feature<S, N> {
  return feature;
}
