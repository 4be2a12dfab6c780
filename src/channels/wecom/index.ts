import { CHANNEL_NAMES } from "../channel";
import type { ChannelModule } from "../module";
import { WecomApi } from "./api";
import { wecomCallbackRouter } from "./callback";
import { WecomContacts } from "./contacts";
import { wecomSignIn } from "./oauth";
import { checkApi } from "./diagnose";
import { LIMITS } from "./limits";
import { downloadMedia } from "./media";
import { WecomSender } from "./WecomSender";

/** WeChat Work's published default daily quota of person-times (PROTOCOLS §2.6); WECOM_DAILY_QUOTA changes it. */
const DEFAULT_DAILY_QUOTA = 200_000;

/** WeChat Work (企业微信): a self-built app's callbacks, message API, media and address book. */
export const wecomChannel: ChannelModule = {
  id: "wecom",
  displayName: CHANNEL_NAMES.wecom,
  capabilities: {
    cards: true,
    // A notice card must open a link when tapped; without one the facts go out as text.
    infoCardNeedsLink: true,
    maxButtons: LIMITS.cardButtonsMax,
    buttonLabelMaxChars: 10,
    markdownMaxBytes: LIMITS.markdownBytes,
    maxRecipientsPerCall: LIMITS.recipientsPerCall,
    fileTypes: ["*"],
  },
  enabled: (config) => config.wecom !== undefined,
  /** Published limits (docs/PROTOCOLS.md §2.6): members drop messages past them without an error. */
  limits: (config) => ({
    perRecipientPerMinute: 30,
    perRecipientPerHour: 1000,
    perAppPerDay: config.wecom?.dailyQuota ?? DEFAULT_DAILY_QUOTA,
    perApiPerMinute: 10_000,
  }),
  start({ config, kv, log, media, clock }) {
    const settings = config.wecom;
    if (!settings) throw new Error("wecom: started without WECOM_* settings");
    const api = new WecomApi({ ...settings, kv, log: log.child({ area: "wecom" }) });
    return {
      id: "wecom",
      sender: new WecomSender({ api, media, kv }),
      // A click on a 叫应 card greys its button out with the label in the passive reply.
      // Other cards show what was chosen ("已选：日常巡查"), from the words the sender kept in kv.
      routes: ({ sink, buttonLabel }) => wecomCallbackRouter({ settings, sink, clock, buttonLabel, kv }),
      downloadMedia: (mediaId) => downloadMedia(api, mediaId, media),
      contacts: new WecomContacts(api),
      signIn: wecomSignIn(api, settings),
    };
  },
  doctor: async (config) => (config.wecom ? checkApi(config.wecom) : []),
};
