import { CHANNEL_NAMES } from "../channel";
import type { ChannelModule } from "../module";
import { DingtalkApi } from "./api";
import { DingtalkCards } from "./cards";
import { dingtalkCallbackRouter } from "./callback";
import { DingtalkSender, WORK_NOTICE_MAX_RECIPIENTS } from "./DingtalkSender";
import { LIMITS } from "./limits";
import { DingtalkContacts } from "./contacts";
import { checkDingtalk } from "./doctor";
import { DingtalkFiles, FILE_TYPES } from "./files";
import { downloadRobotFile } from "./media";
import { WorkNoticeResults } from "./sendResults";
import { NoticeRules } from "./noticeRules";
import { dingtalkSignIn } from "./oauth";
import { RobotSessions } from "./sessions";
import { DingtalkStream } from "./stream";

/**
 * DingTalk (钉钉): HTTP event subscription (address book), the enterprise robot's messages (text,
 * pictures, voice, files) with replies through the chat's session webhook or the robot API, and
 * work notifications for everyone else; button cards (questions, 叫应) as the robot's interactive cards.
 */
export const dingtalkChannel: ChannelModule = {
  id: "dingtalk",
  displayName: CHANNEL_NAMES.dingtalk,
  capabilities: {
    // Interactive cards in the robot chat; a card without buttons goes out as markdown.
    cards: true,
    infoCardNeedsLink: false,
    maxButtons: LIMITS.cardButtonsMax,
    buttonLabelMaxChars: LIMITS.buttonLabelChars,
    // A work notification's markdown, like the rest of its `msg`, must stay within 2048 bytes (PROTOCOLS §3.6).
    markdownMaxBytes: LIMITS.workNoticeMsgBytes,
    maxRecipientsPerCall: WORK_NOTICE_MAX_RECIPIENTS,
    // What media/upload and the file / image notifications take (PROTOCOLS §3.6): pictures, PDFs, office files.
    fileTypes: FILE_TYPES,
  },
  enabled: (config) => config.dingtalk !== undefined,
  // 20 calls a second on the standard edition (PROTOCOLS §3.8). The per-person daily caps (500 work
  // notifications, the same content once a day) need a per-recipient daily limit ChannelLimits lacks.
  // The robot's group messages: 20 a minute, or the robot is muted for 10 minutes (PROTOCOLS §3.5).
  limits: () => ({ perApiPerMinute: LIMITS.apiCallsPerMinute, groupChatsPerMinute: LIMITS.robotWebhookPerMinute }),
  start({ config, kv, log, clock, media }) {
    const settings = config.dingtalk;
    if (!settings) throw new Error("dingtalk: started without DINGTALK_* settings");
    const api = new DingtalkApi({ appKey: settings.appKey, appSecret: settings.appSecret, apiBase: settings.apiBase, oapiBase: settings.oapiBase, kv, log: log.child({ area: "dingtalk" }) });
    const sessions = new RobotSessions(kv);
    const cards = new DingtalkCards({ api, kv, robotCode: settings.robotCode, appSecret: settings.appSecret });
    return {
      id: "dingtalk",
      sender: new DingtalkSender({ api, agentId: settings.agentId, robotCode: settings.robotCode, sessions, cards, files: new DingtalkFiles({ api, media, kv, appKey: settings.appKey }), rules: new NoticeRules(kv), clock }),
      // Stream mode has no callback URL: nothing to mount.
      // A click on a 叫应 card turns that person's card into "已收到" / "已落实".
      routes: ({ sink, buttonLabel }) => (settings.mode === "http" ? dingtalkCallbackRouter({ settings, sink, clock, sessions, cards, ...(buttonLabel ? { buttonLabel } : {}) }) : undefined),
      downloadMedia: (downloadCode) => downloadRobotFile(api, settings.robotCode, downloadCode, media),
      deliveryReports: new WorkNoticeResults({ api, agentId: settings.agentId }),
      contacts: new DingtalkContacts(api),
      // The admin console's 钉钉登录: OAuth authCode → the member's userid.
      signIn: dingtalkSignIn(api, settings),
      // Stream mode: robot messages, events and card clicks over one long connection per fleet.
      ...(settings.mode === "stream"
        ? {
            connect: ({ sink, buttonLabel }) => {
              const stream = new DingtalkStream({ ...settings, sink, kv, clock, log: log.child({ area: "dingtalk-stream" }), sessions, cards, buttonLabel: buttonLabel ?? (() => "已确认") });
              stream.start();
              return { stop: () => stream.stop() };
            },
          }
        : {}),
    };
  },
  doctor: async (config) => (config.dingtalk ? checkDingtalk(config.dingtalk) : []),
};
