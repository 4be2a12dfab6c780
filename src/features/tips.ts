import { PublicTip, PublicTipPhoto, Tip, TipCategory, TipCounter, TipPhoto } from "../db/entities";
import { loadTipKeys, TipDeadlines, TipService } from "../domain/tips";
import { open311Routes } from "../http/routes/open311";
import { publicTipRoutes } from "../http/routes/publicTips";
import { tipCategoryRoutes } from "../http/routes/tipCategories";
import { tipRewardRoutes } from "../http/routes/tipRewards";
import { tipRoutes } from "../http/routes/tips";
import { myTipsFlow, tipFlow } from "../../bots/flows/tip";
import { tipDeadlines } from "../../jobs/tipDeadlines.job";
import { tipPageRoutes } from "../web/tipPage";
import { defineFeature } from "./feature";

/** 举报: tips from the public and from staff, the tipster's identity sealed under the tip key. */
export const tipsFeature = defineFeature({
  name: "tips",
  async services({ db, outbox, clock, config, log, channels, media }) {
    // A damaged key file stops the start here; the composition root closes the pools it opened.
    const keys = loadTipKeys(config.tips, (path) => log.info({ path }, "generated the tip identity key; back it up apart from the database"));
    const tips = new TipService({ db, outbox, clock, keys, channels, media, publicTips: config.tips.public });
    const foreign = await tips.sealedUnderOtherKeys();
    if (foreign > 0) log.warn({ tips: foreign, keyId: keys.keyId }, "tips sealed under another TIP_IDENTITY_KEY: their tipsters cannot be revealed");
    return tips;
  },
  entities: [Tip, TipPhoto, TipCounter, TipCategory, PublicTip, PublicTipPhoto],
  routes: (tips, { db, clock, kv, config }) => [
    // Before tipRoutes: its `/api/tips/:id` would take `/api/tips/poster` and `/api/tips/rewards.xlsx`.
    tipPageRoutes({ db, clock }),
    tipRewardRoutes({ db, clock, tips }),
    tipRoutes({ db, clock, tips }),
    tipCategoryRoutes({ db, clock, tips }),
    publicTipRoutes({ tips, kv, origins: config.tips.public.origins, photoMaxBytes: config.tips.public.photoMaxBytes }),
    open311Routes({ tips, kv, apiKeys: config.tips.public.open311ApiKeys }),
  ],
  flows: [tipFlow, myTipsFlow],
  jobs: (_tips, { db, outbox, clock, channels, config }) => [tipDeadlines(new TipDeadlines({ db, outbox, clock, channels, settings: config.tips.public }))],
  botServices: (tips) => ({ tips }),
});
