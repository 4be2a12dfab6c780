import type Router from "@koa/router";
import type { ChannelId, ChannelSender, InboundEvent } from "./channels/channel";
import { ConsoleSender } from "./channels/console/ConsoleSender";
import { consoleInboundRouter } from "./channels/console/inbound";
import { ConsoleStore } from "./channels/console/store";
import { wecomCallbackRouter } from "./channels/wecom/callback";
import { WecomApi } from "./channels/wecom/api";
import { WecomContacts } from "./channels/wecom/contacts";
import { downloadMedia } from "./channels/wecom/media";
import { WecomSender } from "./channels/wecom/WecomSender";
import type { Clock } from "./clock";
import type { Config } from "./config";
import { AppError } from "./errors";
import { openDataSource } from "./db/dataSource";
import { Database } from "./db/Database";
import { CalloutService, calloutButtonLabel } from "./domain/callouts";
import { HazardService } from "./domain/hazards";
import { HazardPicks } from "./domain/hazards/picks";
import { OwedCallouts } from "./domain/callouts/owed";
import { ConversationService } from "./domain/conversations";
import { InspectionService } from "./domain/inspections";
import { loadTipKeys, TipService } from "./domain/tips";
import { WarningService } from "./domain/warnings";
import { HazardNudges } from "./domain/hazards/nudges";
import { type InboundHandler, InboxService } from "./domain/inbox";
import { applyContactChange, syncContacts } from "./domain/org/contactSync";
import { OutboxService } from "./domain/outbox";
import { type KeyValue, openKv } from "./kv";
import type { Logger } from "./log";
import { LocalMediaStore } from "./media/localMediaStore";
import { calloutRoutes } from "./http/routes/callouts";
import { hazardRoutes } from "./http/routes/hazards";
import { inspectionRoutes } from "./http/routes/inspections";
import { tipRoutes } from "./http/routes/tips";
import { warningRoutes } from "./http/routes/warnings";
import { OutboxWorker } from "./outbox/worker";
import { calloutBoardRoutes } from "./web/calloutBoard";
import { consoleGuard, consoleRoutes } from "./web/consoleRoutes";
import { BotEngine } from "../bots/engine";
import { appMenu } from "../bots/appMenu";
import { FLOWS } from "../bots/flows";
import type { BotServices } from "../bots/services";
import type { AppJobContext } from "../jobs/Job";

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
  /** Routers of the enabled channels, mounted by the app. */
  routers: Router[];
  jobContext: AppJobContext;
  /** Closes pools; call after the HTTP server, the scheduler and the worker have stopped. */
  close(): Promise<void>;
}

/** The composition root: the only place concrete channel adapters meet the domain. */
export async function buildServices(config: Config, log: Logger, clock: Clock): Promise<Services> {
  // Before any pool opens: a damaged key file stops the start with nothing to close.
  const tipKeys = loadTipKeys(config.tips, (path) => log.info({ path }, "generated the tip identity key; back it up apart from the database"));
  const db = new Database(await openDataSource(config, { migrate: true }));
  const kv = await openKv(config, log.child({ area: "kv" })).catch(async (err) => {
    await db.close();
    throw err;
  });
  const media = new LocalMediaStore({ dir: config.media.dir, maxBytes: config.media.maxBytes });
  const wecomApi = config.wecom ? new WecomApi({ ...config.wecom, kv, log: log.child({ area: "wecom" }) }) : undefined;
  const contacts = wecomApi ? new WecomContacts(wecomApi) : undefined;

  const senders = new Map<ChannelId, ChannelSender>();
  if (wecomApi) senders.set("wecom", new WecomSender({ api: wecomApi, media, kv }));
  // After WeChat Work: channels are preferred in this order, and every person has a console account.
  const consoleStore = config.console.enabled ? new ConsoleStore(db, clock) : undefined;
  if (consoleStore) senders.set("console", new ConsoleSender(consoleStore, clock));
  const outbox = new OutboxService({ db, clock, quietHours: config.outbox.quietHours });
  const outboxWorker = new OutboxWorker({ db, kv, clock, log: log.child({ area: "outbox" }), senders, config });

  const channels = [...senders.keys()];
  const hazards = new HazardService({ db, outbox, clock, config: config.hazards, channels });
  const hazardNudges = new HazardNudges({ db, outbox, clock, ladderDays: config.hazards.ladderDays, channels });
  const callouts = new CalloutService({ db, clock, outbox, channels, answerMinutes: config.callouts.answerMinutes });
  const warnings = new WarningService({ db, callouts, clock });
  const inspections = new InspectionService({ db, clock, config: config.inspections });
  const tips = new TipService({ db, outbox, clock, keys: tipKeys, channels });
  const foreignTips = await tips.sealedUnderOtherKeys();
  if (foreignTips > 0) log.warn({ tips: foreignTips, keyId: tipKeys.keyId }, "tips sealed under another TIP_IDENTITY_KEY: their tipsters cannot be revealed");

  const botServices: BotServices = {
    clock,
    conversations: new ConversationService({ db, outbox, clock, channels }),
    hazards,
    hazardPicks: new HazardPicks({ db }),
    owedCallouts: new OwedCallouts({ db }),
    inspections,
    tips,
    media,
    channels,
    inboundMedia: (channel, mediaId) => {
      if (channel === "wecom" && wecomApi) return downloadMedia(wecomApi, mediaId, media);
      // The console uploads straight into our store: its media id is the storage key.
      if (channel === "console") return media.read(mediaId);
      throw new AppError("bot_media_channel", "暂不支持接收该渠道的文件", 400);
    },
  };
  const bot = new BotEngine({ kv, services: botServices, flows: FLOWS, callouts });
  const handler: InboundHandler = {
    async handle(event: InboundEvent) {
      // Address-book changes update the directory; everything else is a conversation.
      if (event.kind === "contact_change") {
        if (!contacts) return;
        const { problems } = await applyContactChange({ db, source: contacts, clock, actor: "wecom-sync:event" }, event);
        // Counts only: problems name members. `npm run sync:wecom` prints them in full.
        if (problems.length > 0) log.warn({ change: event.change, problems: problems.length }, "contact change left problems");
        return;
      }
      await bot.handle(event);
    },
  };
  const inbox = new InboxService({ db, kv, clock, log: log.child({ area: "inbox" }), handler });
  const routers = [
    // A click on a 叫应 card greys its button out with "已收到" / "已落实" in the passive reply.
    wecomCallbackRouter({ settings: config.wecom, sink: inbox, clock, buttonLabel: calloutButtonLabel }),
    hazardRoutes({ db, clock, hazards }),
    inspectionRoutes({ db, clock, inspections }),
    tipRoutes({ db, clock, tips }),
    calloutRoutes({ db, clock, callouts }),
    warningRoutes({ db, clock, warnings }),
    calloutBoardRoutes({ db, clock, callouts, linkSecret: config.callouts.boardLinkSecret }),
  ];
  if (consoleStore) {
    // The console plays a messenger: its clicks grey a card out with the same label WeChat Work shows.
    // Its app menu is the one `npm run menu:wecom` sets in WeChat Work.
    const guard = consoleGuard({ db, clock }, config.console.requireLogin);
    routers.push(
      consoleInboundRouter({ sink: inbox, store: consoleStore, media, clock, guard, buttonLabel: calloutButtonLabel }),
      consoleRoutes({ db, clock, store: consoleStore, media, guard, requireLogin: config.console.requireLogin, menu: appMenu(FLOWS) }),
    );
  }
  const contactSync = contacts && { syncAll: () => syncContacts({ db, source: contacts, clock, actor: "wecom-sync:job" }) };

  return {
    db,
    kv,
    inbox,
    outbox,
    outboxWorker,
    hazards,
    callouts,
    tips,
    routers,
    jobContext: { clock, log, inbox, contactSync, hazardNudges, callouts },
    async close() {
      await inbox.drain();
      await kv.close();
      await db.close();
    },
  };
}
