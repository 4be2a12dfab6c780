import type Router from "@koa/router";
import type { ChannelId, InboundEvent, InboundSink } from "./channels/channel";
import { buildChannels, type Channels } from "./channels/registry";
import type { Clock } from "./clock";
import type { Config } from "./config";
import { openDataSource } from "./db/dataSource";
import { Database } from "./db/Database";
import { calloutButtonLabel, type CalloutService } from "./domain/callouts";
import type { HazardService } from "./domain/hazards";
import { ConversationService } from "./domain/conversations";
import { InboxService } from "./domain/inbox";
import { SYNC_ACTOR } from "./domain/org/contactSource";
import { applyContactChange, type ContactSyncResult, syncContacts } from "./domain/org/contactSync";
import { OutboxService } from "./domain/outbox";
import { reconcileDeliveries } from "./domain/outbox/reconcile";
import type { TipService } from "./domain/tips";
import { calloutsFeature, FEATURES, hazardsFeature, tipsFeature } from "./features";
import { BuiltFeatures, entitiesOf } from "./features/compose";
import type { AnyFeature, AppContext, Kernel } from "./features/feature";
import { type KeyValue, openKv } from "./kv";
import type { Logger } from "./log";
import type { MediaStore } from "./media/MediaStore";
import { LocalMediaStore } from "./media/localMediaStore";
import { messengerSignInRoutes } from "./http/routes/messengerSignIn";
import { OutboxWorker } from "./outbox/worker";
import { consoleGuard } from "./web/consoleAccess";
import { consoleRoutes } from "./web/consoleRoutes";
import { type AppMenuTop, appMenu } from "../bots/appMenu";
import { BotEngine } from "../bots/engine";
import type { Flow } from "../bots/flow";
import type { BotServices } from "../bots/services";
import type { Job, JobContext } from "../jobs/Job";
import { contactSync as contactSyncJob } from "../jobs/contactSync.job";
import { deliveryReconcile } from "../jobs/deliveryReconcile.job";

/** Everything the process runs, built once from the config; the server and the tests share it. */
export interface Services {
  db: Database;
  kv: KeyValue;
  inbox: InboxService;
  outbox: OutboxService;
  outboxWorker: OutboxWorker;
  hazards: HazardService;
  callouts: CalloutService;
  tips: TipService;
  /** Routers of the enabled channels and of the features, mounted by the app. */
  routers: Router[];
  /** Every conversation the bot offers, in menu order. */
  flows: readonly Flow[];
  /** Every scheduled job, each bound to the service it calls; run with `jobContext`. */
  jobs: Job[];
  jobContext: JobContext;
  /** Reads the preferred messenger's whole address book; absent while no enabled channel has one. */
  contactSync?: { syncAll(): Promise<ContactSyncResult> };
  /** Opens the channels' long connections (DingTalk Stream mode); the server calls it once, CLIs never. */
  connectChannels(): { stop(): Promise<void> };
  /** Closes pools; call after the HTTP server, the scheduler and the worker have stopped. */
  close(): Promise<void>;
}

/**
 * The composition root: stores, channels and the features list meet here and nowhere else. What
 * a feature contributes (services, routes, flows, jobs, entities) comes from its own file in
 * src/features; `features` is the product's list unless a test brings its own.
 */
export async function buildServices(config: Config, log: Logger, clock: Clock, features: readonly AnyFeature[] = FEATURES): Promise<Services> {
  const db = new Database(await openDataSource(config, { migrate: true, entities: entitiesOf(features) }));
  const kv = await openKv(config, log.child({ area: "kv" })).catch(async (err) => {
    await db.close();
    throw err;
  });
  try {
    return await compose({ config, log, clock, db, kv }, features);
  } catch (err) {
    // A feature refused to start (e.g. a damaged tip key file): nothing stays open behind the error.
    await kv.close();
    await db.close();
    throw err;
  }
}

async function compose(stores: Pick<Kernel, "config" | "log" | "clock" | "db" | "kv">, features: readonly AnyFeature[]): Promise<Services> {
  const { config, log, clock, db, kv } = stores;
  const media = new LocalMediaStore({ dir: config.media.dir, maxBytes: config.media.maxBytes });
  const channels = wireChannels({ ...stores, media });
  const outbox = new OutboxService({ db, clock, quietHours: config.outbox.quietHours });
  const outboxWorker = new OutboxWorker({ db, kv, clock, log: log.child({ area: "outbox" }), senders: channels.senders, limits: channels.limits, config });

  const kernel: Kernel = { ...stores, media, outbox, channels: channels.ids };
  const built = await BuiltFeatures.build(features, kernel);
  const flows = built.flows();
  // `as`: each feature fills in the part of BotServices its own flows use (see Feature.botServices).
  // Each turn's conversation state commits with its reply rows (src/domain/conversations).
  const conversations = new ConversationService({ db, outbox, clock, channels: channels.ids, repliesQueued: () => outboxWorker.soon() });
  const botServices = { ...built.botServices(), conversations, clock, media, channels: channels.ids, inboundMedia: channels.inboundMedia } as BotServices;
  const bot = new BotEngine({ kv, services: botServices, flows, callouts: { answer: built.botAnswers() } });
  const inbox = new InboxService({
    db,
    kv,
    clock,
    log: log.child({ area: "inbox" }),
    // Address-book changes update the directory; everything else is a conversation.
    handler: { handle: (event) => (event.kind === "contact_change" ? channels.onContactChange(event) : bot.handle(event)) },
  });
  const app: AppContext = { ...kernel, inbox };

  return {
    db,
    kv,
    inbox,
    outbox,
    outboxWorker,
    get hazards() {
      return built.servicesOf(hazardsFeature).hazards;
    },
    get callouts() {
      return built.servicesOf(calloutsFeature);
    },
    get tips() {
      return built.servicesOf(tipsFeature);
    },
    routers: [...channels.routers(inbox, appMenu(flows)), ...built.routers(app)],
    flows,
    jobs: [...built.jobs(app), ...channels.jobs],
    jobContext: { clock, log },
    contactSync: channels.contactSync,
    connectChannels: () => channels.connect({ sink: inbox, buttonLabel: calloutButtonLabel }),
    async close() {
      await inbox.drain();
      await kv.close();
      await db.close();
    },
  };
}

// ─── Channel wiring ────────────────────────────────────────────────────────────────────────────
// The enabled messengers come from src/channels/registry.ts; here they meet the inbox, the
// directory and the console page.

interface ChannelWiring {
  /** Enabled channels in order of preference. */
  ids: readonly ChannelId[];
  senders: Channels["senders"];
  limits: Channels["limits"];
  inboundMedia: Channels["inboundMedia"];
  contactSync?: { syncAll(): Promise<ContactSyncResult> };
  onContactChange(event: Extract<InboundEvent, { kind: "contact_change" }>): Promise<void>;
  /** Inbound routes (fed to `sink`) and the console's page (showing `menu`). */
  routers(sink: InboundSink, menu: AppMenuTop[]): Router[];
  connect: Channels["connect"];
  jobs: Job[];
}

function wireChannels(deps: Pick<Kernel, "config" | "log" | "clock" | "db" | "kv"> & { media: MediaStore }): ChannelWiring {
  const { config, log, clock, db, media } = deps;
  const enabled = buildChannels(deps);
  // The nightly job copies every address book a channel offers (WeChat Work's, DingTalk's), each on its own.
  const addressBooks = [...enabled.contacts].map(([channel, source]) => ({ channel, syncAll: () => syncContacts({ db, source, clock, actor: `${SYNC_ACTOR}:job` }) }));
  const contactSync = addressBooks[0];

  return {
    ids: enabled.ids,
    senders: enabled.senders,
    limits: enabled.limits,
    inboundMedia: (channel, mediaId) => enabled.inboundMedia(channel, mediaId),
    contactSync,
    async onContactChange(event) {
      const source = enabled.contacts.get(event.channel);
      if (!source) return;
      const { problems } = await applyContactChange({ db, source, clock }, event);
      // Counts only: problems name members. `npm run sync:wecom` prints them in full.
      if (problems.length > 0) log.warn({ change: event.change, problems: problems.length }, "contact change left problems");
    },
    routers(sink, menu) {
      // The console API asks for a sign-in where the deployment wants one (src/web/consoleAccess.ts).
      const guard = consoleGuard({ db, clock }, config.console.requireLogin);
      // A click on a 叫应 card greys its button out with "已收到" / "已落实" in the passive reply.
      const routers = enabled.routes({ sink, guard, buttonLabel: calloutButtonLabel });
      // The console page reads the console channel's chats; its app menu is the one `npm run menu:wecom` sets.
      // Signing in to the admin console from inside a messenger (and which sign-ins there are).
      routers.push(messengerSignInRoutes({ db, clock, kv: deps.kv, signIns: enabled.signIns }));
      if (enabled.consoleStore) routers.push(consoleRoutes({ db, clock, store: enabled.consoleStore, media, guard, requireLogin: config.console.requireLogin, menu }));
      return routers;
    },
    connect: (ctx) => enabled.connect(ctx),
    jobs: [contactSyncJob(addressBooks), deliveryReconcile(enabled.deliveryReports.size ? () => reconcileDeliveries({ db, kv: deps.kv, clock, reports: enabled.deliveryReports }) : undefined)],
  };
}
// ─── End of channel wiring ─────────────────────────────────────────────────────────────────────
