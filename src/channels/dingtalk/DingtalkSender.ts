import type { Clock } from "../../clock";
import { ChannelError, type ChannelSender, GROUP_RECIPIENT, isGroupRecipient, type OutboundMessage, type SendOptions, type SendResult } from "../channel";
import type { DingtalkApi, OapiReply } from "./api";
import type { DingtalkCards } from "./cards";
import { LIMITS } from "./limits";
import { fileNotice, robotFile, type DingtalkFiles } from "./files";
import { robotMessage, type TextNoticeMsg, toWorkNotice, type WorkNoticeMsg } from "./messages";

/** A robot message: its `msgKey` and the parameters as a JSON string (PROTOCOLS §3.3). */
type RobotMsg = { msgKey: string; msgParam: string };
import type { NoticeRules } from "./noticeRules";
import type { RobotSessions } from "./sessions";

/** Work notifications name at most 100 user ids a call (PROTOCOLS §3.6, the safe figure). */
export const WORK_NOTICE_MAX_RECIPIENTS = LIMITS.workNoticeRecipientsPerCall;

export const ASYNCSEND_API = "topapi/message/corpconversation/asyncsend_v2";
export const ROBOT_BATCH_SEND_API = "/v1.0/robot/oToMessages/batchSend";
export const ROBOT_GROUP_SEND_API = "/v1.0/robot/groupMessages/send";
/** A session webhook DingTalk no longer knows. */
const SESSION_GONE = 300001;

/** Work-notification task ids carry this prefix in the outbox, so reconciliation finds exactly those. */
export const TASK_PREFIX = "task:";

export interface DingtalkSenderDeps {
  api: DingtalkApi;
  agentId: number;
  robotCode: string;
  sessions: RobotSessions;
  cards: DingtalkCards;
  /** Uploads files (reports, PDFs) for file messages. */
  files: DingtalkFiles;
  rules: NoticeRules;
  clock: Clock;
}

/**
 * Sends to people where they talk to Anshao: a reply goes back through the robot chat's session
 * webhook while it is valid; someone who uses the robot chat gets the rest through the robot's
 * one-to-one API; everyone else gets a work notification (工作通知) from the app, whose task id is
 * kept so the send-result reconciliation can find recipients the platform accepted but did not
 * deliver (over-limit sends answer success). A group chat (`group:<openConversationId>`) gets the
 * robot's group message; a file is uploaded first and goes by media id.
 */
export class DingtalkSender implements ChannelSender {
  readonly id = "dingtalk" as const;
  readonly maxRecipientsPerCall = WORK_NOTICE_MAX_RECIPIENTS;

  constructor(private readonly deps: DingtalkSenderDeps) {}

  /**
   * One batch may take several platform calls (session replies, robot calls of 20, cards one by one,
   * a work notification). After each accepted call its recipients are reported through
   * `options.delivered`, so when a later call is throttled or fails only those not yet reached are
   * retried: nobody gets the message twice.
   */
  async send(recipients: string[], message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
    try {
      return await this.sendOnce(recipients, message, options);
    } catch (err) {
      // The platform forgot an uploaded file before its 3 days (media ids are cached for 60 h): the
      // retry uploads it again. Only the people not reached yet are retried, as for any failure.
      if (message.kind === "file" && isExpiredMedia(err)) {
        await this.deps.files.forget(message.storageKey);
        throw new ChannelError("dingtalk", "dingtalk_media_expired", "钉钉上的文件已失效，将重新上传后重发", true);
      }
      throw err;
    }
  }

  private async sendOnce(recipients: string[], message: OutboundMessage, options: SendOptions): Promise<SendResult> {
    const reached = async (userIds: string[], invalidUsers: string[] = []) => {
      if (userIds.length > 0) await options.delivered?.(userIds, { invalidUsers });
    };
    // The clicker's card is updated when the click comes in (callback.ts), as WeChat Work's passive reply
    // does; a card_update greys out the copies of a card whose question passed without a click. Its
    // code is the card's task id, which with the userid names each person's card instance.
    if (message.kind === "card_update") {
      for (const userId of recipients.filter((r) => !isGroupRecipient(r))) {
        await this.deps.cards.markPassed(message.responseCode, userId, message.replaceText);
        await reached([userId]);
      }
      return { invalidUsers: [] };
    }
    // The outbox splits by maxRecipientsPerCall; more here would be a bug, never silently dropped people.
    if (recipients.length > WORK_NOTICE_MAX_RECIPIENTS) throw new ChannelError("dingtalk", "dingtalk_too_many_recipients", "钉钉工作通知每次最多发送给 100 人", false);
    const groups = recipients.filter(isGroupRecipient);
    const people = recipients.filter((r) => !isGroupRecipient(r));
    // A card with buttons is an interactive card in the robot chat, one instance per person.
    const buttonCard = message.kind === "card" && (message.card.buttons ?? []).length > 0;
    if (buttonCard) {
      for (const userId of people) {
        await this.deps.cards.send(message.card, userId);
        // The card's task id is the code a later card_update names it by (see above).
        await options.delivered?.([userId], { invalidUsers: [], responseCode: message.card.taskId });
      }
      if (groups.length === 0) return { invalidUsers: [], responseCode: message.card.taskId };
    }
    const out = await this.outgoing(message);
    // A unit's group chat gets the message from the robot (a card as its text, with numbered choices).
    for (const group of groups) {
      await this.deps.api.v1("POST", ROBOT_GROUP_SEND_API, { robotCode: this.deps.robotCode, openConversationId: group.slice(GROUP_RECIPIENT.length), ...out.robot });
      await reached([group]);
    }
    if (buttonCard) return { invalidUsers: [], responseCode: message.card.taskId };
    const now = this.deps.clock.now().getTime();
    const byRobot: string[] = [];
    const byNotice: string[] = [];
    for (const userId of people) {
      if (out.session && (await this.viaSession(userId, out.session, now))) {
        await reached([userId]);
        continue;
      }
      if (await this.deps.sessions.usesRobot(userId)) byRobot.push(userId);
      else byNotice.push(userId);
    }
    // Past the daily cap the platform would drop a work notification silently: the robot chat takes them instead.
    const capped = await this.deps.rules.overCap(byNotice, this.deps.clock.now());
    byRobot.push(...capped);
    const noticeTo = byNotice.filter((u) => !capped.includes(u));
    const invalidUsers: string[] = [];
    for (let i = 0; i < byRobot.length; i += LIMITS.robotRecipientsPerCall) invalidUsers.push(...(await this.viaRobot(byRobot.slice(i, i + LIMITS.robotRecipientsPerCall), out.robot, reached)));
    if (noticeTo.length === 0) return { invalidUsers };
    const notice = await this.deps.rules.vary(out.notice, noticeTo, this.deps.clock.now());
    const reply = await this.deps.api.post<OapiReply & { task_id?: number | string }>(ASYNCSEND_API, {
      agent_id: this.deps.agentId,
      userid_list: noticeTo.join(","),
      msg: notice,
    });
    await this.deps.rules.record(notice, noticeTo, this.deps.clock.now());
    return { ...(reply.task_id !== undefined ? { platformMessageId: `${TASK_PREFIX}${reply.task_id}` } : {}), invalidUsers };
  }

  /**
   * The message in each form it can take: a work notification, the robot's one-to-one message and,
   * for words, a session-webhook reply. A file is uploaded first; it cannot go through a session
   * webhook, so robot chat users get it from the robot and everyone else as a work notification.
   */
  private async outgoing(message: OutboundMessage): Promise<{ notice: WorkNoticeMsg; robot: RobotMsg; session?: TextNoticeMsg }> {
    if (message.kind === "file") {
      const file = await this.deps.files.upload(message.storageKey);
      return { notice: fileNotice(file), robot: robotFile(file) };
    }
    const text = toWorkNotice(message);
    return { notice: text, robot: robotMessage(text), session: text };
  }

  /** True once the reply went through the session webhook; false when there is none (or it expired). */
  private async viaSession(userId: string, msg: TextNoticeMsg, nowMs: number): Promise<boolean> {
    const session = await this.deps.sessions.session(userId, nowMs);
    if (!session) return false;
    const reply = await this.deps.api.postWebhook(session.url, msg);
    if (reply.errcode === SESSION_GONE) {
      await this.deps.sessions.forget(userId);
      return false;
    }
    return true;
  }

  /**
   * Up to 20 people through the robot's one-to-one API; returns those it names invalid. The ones it
   * accepted are reported reached before anything else happens; people it flow-controlled were not
   * sent the message, so the call then fails for them alone and the outbox retries just them.
   */
  private async viaRobot(userIds: string[], msg: RobotMsg, reached: (userIds: string[], invalid: string[]) => Promise<void>): Promise<string[]> {
    const reply = await this.deps.api.v1<{ invalidStaffIdList?: string[]; flowControlledStaffIdList?: string[] }>("POST", ROBOT_BATCH_SEND_API, {
      robotCode: this.deps.robotCode,
      userIds,
      ...msg,
    });
    const throttled = new Set(reply.flowControlledStaffIdList ?? []);
    const invalid = reply.invalidStaffIdList ?? [];
    await reached(userIds.filter((u) => !throttled.has(u)), invalid);
    if (throttled.size > 0) throw new ChannelError("dingtalk", "dingtalk_flow_controlled", "钉钉机器人发送过于频繁，稍后重试", true, 60_000);
    return invalid;
  }
}

/** A media id the platform no longer knows: oapi 40007, or the robot API's invalid mediaId. */
function isExpiredMedia(err: unknown): boolean {
  return err instanceof ChannelError && (err.code === "dingtalk_40007" || err.code.startsWith("dingtalk_invalidParameter.media"));
}
