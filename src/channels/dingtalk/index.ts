import { AppError } from "../../errors";
import { CHANNEL_NAMES } from "../channel";
import type { ChannelModule } from "../module";
import { DingtalkApi } from "./api";
import { dingtalkCallbackRouter } from "./callback";
import { DingtalkSender, WORK_NOTICE_MAX_RECIPIENTS } from "./DingtalkSender";

/** A work notification's markdown, like the rest of its `msg`, must stay within 2048 bytes (PROTOCOLS §3.6). */
const MARKDOWN_MAX_BYTES = 2048;

/**
 * DingTalk (钉钉), first slice: HTTP event subscription, enterprise robot text messages and work
 * notifications. No interactive cards yet (the bots send numbered choices), no media, no address
 * book, no Stream mode.
 */
export const dingtalkChannel: ChannelModule = {
  id: "dingtalk",
  displayName: CHANNEL_NAMES.dingtalk,
  capabilities: {
    cards: false,
    infoCardNeedsLink: false,
    maxButtons: 0,
    buttonLabelMaxChars: 0,
    markdownMaxBytes: MARKDOWN_MAX_BYTES,
    maxRecipientsPerCall: WORK_NOTICE_MAX_RECIPIENTS,
    fileTypes: [],
  },
  enabled: (config) => config.dingtalk !== undefined,
  // 20 calls a second on the standard edition (PROTOCOLS §3.8). The per-person daily caps (500 work
  // notifications, the same content once a day) need a per-recipient daily limit ChannelLimits lacks.
  limits: () => ({ perApiPerMinute: 1_200 }),
  start({ config, kv, log, clock }) {
    const settings = config.dingtalk;
    if (!settings) throw new Error("dingtalk: started without DINGTALK_* settings");
    const api = new DingtalkApi({ appKey: settings.appKey, appSecret: settings.appSecret, apiBase: settings.apiBase, kv, log: log.child({ area: "dingtalk" }) });
    return {
      id: "dingtalk",
      sender: new DingtalkSender({ api, agentId: settings.agentId }),
      routes: ({ sink }) => dingtalkCallbackRouter({ settings, sink, clock }),
      downloadMedia: () => Promise.reject(new AppError("dingtalk_media_unsupported", "暂不支持接收钉钉的文件", 400)),
    };
  },
};
