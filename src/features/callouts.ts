import { Callout, CalloutRecipient, SystemSetting } from "../db/entities";
import { CalloutService } from "../domain/callouts";
import { OwedCallouts } from "../domain/callouts/owed";
import { calloutRoutes } from "../http/routes/callouts";
import { calloutStreamRoutes } from "../http/routes/calloutStream";
import { calloutBoardRoutes } from "../web/calloutBoard";
import { loadBoardLinkKey } from "../web/boardLinkKey";
import { calloutTick } from "../../jobs/calloutTick.job";
import { defineFeature } from "./feature";

/** 叫应: a campaign calls people to answer 收到 / 已落实, reminds, escalates and reports on a board. */
export const calloutsFeature = defineFeature({
  name: "callouts",
  services: ({ db, clock, outbox, channels, config }) => new CalloutService({ db, clock, outbox, channels, answerMinutes: config.callouts.answerMinutes }),
  entities: [Callout, CalloutRecipient, SystemSetting],
  routes: (callouts, { db, clock, config, log }) => [
    calloutRoutes({ db, clock, callouts }),
    // The console's live board (SSE), read from the database so answers taken by any instance show.
    calloutStreamRoutes({ db, clock, callouts }),
    // Read (or made) once at start: a board link handed out before a restart still opens the board.
    calloutBoardRoutes({ db, clock, callouts, linkSecret: loadBoardLinkKey(config.callouts, (path) => log.info({ path }, "generated the 叫应 board link key")) }),
  ],
  // A card click or a typed 收到 from someone called is the callout's, whatever the conversation.
  botAnswers: (callouts) => (event) => callouts.answer(event),
  // 我的待办 lists the 叫应 a person still owes.
  botServices: (_callouts, { db }) => ({ owedCallouts: new OwedCallouts({ db }) }),
  jobs: (callouts) => [calloutTick(callouts)],
});
