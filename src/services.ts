import type Router from "@koa/router";
import type { InboundEvent } from "./channels/channel";
import { buildChannels } from "./channels/registry";
import type { Clock } from "./clock";
import type { Config } from "./config";
import { openDataSource } from "./db/dataSource";
import { Database } from "./db/Database";
import { CalloutService, calloutButtonLabel } from "./domain/callouts";
import { HazardService } from "./domain/hazards";
import { InspectionService } from "./domain/inspections";
import { loadTipKeys, TipService } from "./domain/tips";
import { WarningService } from "./domain/warnings";
import { HazardNudges } from "./domain/hazards/nudges";
import { type InboundHandler, InboxService } from "./domain/inbox";
import { applyContactChange, syncContacts } from "./domain/org/contactSync";
import { SYNC_ACTOR } from "./domain/org/contactSource";
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
  // The enabled messengers, in the registry's order of preference (src/channels/registry.ts).
  const enabled = buildChannels({ config, db, kv, clock, log, media });
  const outbox = new OutboxService({ db, clock, quietHours: config.outbox.quietHours });
  const outboxWorker = new OutboxWorker({ db, kv, clock, log: log.child({ area: "outbox" }), senders: enabled.senders, limits: enabled.limits, config });

  const channels = enabled.ids;
  const hazards = new HazardService({ db, outbox, clock, config: config.hazards, channels });
  const hazardNudges = new HazardNudges({ db, outbox, clock, ladderDays: config.hazards.ladderDays, channels });
  const callouts = new CalloutService({ db, clock, outbox, channels, answerMinutes: config.callouts.answerMinutes });
  const warnings = new WarningService({ db, callouts, clock });
  const inspections = new InspectionService({ db, clock, config: config.inspections });
  const tips = new TipService({ db, outbox, clock, keys: tipKeys, channels });
  const foreignTips = await tips.sealedUnderOtherKeys();
  if (foreignTips > 0) log.warn({ tips: foreignTips, keyId: tipKeys.keyId }, "tips sealed under another TIP_IDENTITY_KEY: their tipsters cannot be revealed");

  const botServices: BotServices = {
    db,
    clock,
    hazards,
    inspections,
    tips,
    media,
    channels,
    inboundMedia: (channel, mediaId) => enabled.inboundMedia(channel, mediaId),
  };
  const bot = new BotEngine({ kv, outbox, services: botServices, flows: FLOWS, callouts });
  const handler: InboundHandler = {
    async handle(event: InboundEvent) {
      // Address-book changes update the directory; everything else is a conversation.
      if (event.kind === "contact_change") {
        const source = enabled.contacts.get(event.channel);
        if (!source) return;
        const { problems } = await applyContactChange({ db, source, clock }, event);
        // Counts only: problems name members. `npm run sync:wecom` prints them in full.
        if (problems.length > 0) log.warn({ change: event.change, problems: problems.length }, "contact change left problems");
        return;
      }
      await bot.handle(event);
    },
  };
  const inbox = new InboxService({ db, kv, clock, log: log.child({ area: "inbox" }), handler });
  // The console API asks for a sign-in where the deployment wants one (src/web/consoleRoutes.ts).
  const guard = consoleGuard({ db, clock }, config.console.requireLogin);
  const routers = [
    // A click on a 叫应 card greys its button out with "已收到" / "已落实" in the passive reply.
    ...enabled.routes({ sink: inbox, guard, buttonLabel: calloutButtonLabel }),
    hazardRoutes({ db, clock, hazards }),
    inspectionRoutes({ db, clock, inspections }),
    tipRoutes({ db, clock, tips }),
    calloutRoutes({ db, clock, callouts }),
    warningRoutes({ db, clock, warnings }),
    calloutBoardRoutes({ db, clock, callouts, linkSecret: config.callouts.boardLinkSecret }),
  ];
  if (enabled.consoleStore) {
    // The console page reads the console channel's chats; its app menu is the one `npm run menu:wecom` sets.
    routers.push(consoleRoutes({ db, clock, store: enabled.consoleStore, media, guard, requireLogin: config.console.requireLogin, menu: appMenu(FLOWS) }));
  }
  // The nightly job reads the (first) address book a channel offers: WeChat Work's today.
  const contacts = [...enabled.contacts.values()][0];
  const contactSync = contacts && { syncAll: () => syncContacts({ db, source: contacts, clock, actor: `${SYNC_ACTOR}:job` }) };

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
