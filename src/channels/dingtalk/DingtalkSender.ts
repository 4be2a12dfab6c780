import { ChannelError, type ChannelSender, type OutboundMessage, type SendResult } from "../channel";
import type { DingtalkApi, OapiReply } from "./api";
import { toWorkNotice } from "./messages";

/** Work notifications name at most 100 user ids a call (PROTOCOLS §3.6, the safe figure). */
export const WORK_NOTICE_MAX_RECIPIENTS = 100;

export const ASYNCSEND_API = "topapi/message/corpconversation/asyncsend_v2";

/**
 * Sends work notifications (工作通知) from the app. The platform answers with a task id only: an
 * accepted send may still not be delivered (over-limit sends report success), which the send-result
 * reconciliation will catch once it exists; until then the task id is kept as the message id.
 */
export class DingtalkSender implements ChannelSender {
  readonly id = "dingtalk" as const;
  readonly maxRecipientsPerCall = WORK_NOTICE_MAX_RECIPIENTS;

  constructor(private readonly deps: { api: DingtalkApi; agentId: number }) {}

  async send(recipients: string[], message: OutboundMessage): Promise<SendResult> {
    // No interactive cards yet, so there is no card to update: the answer already went out as text.
    if (message.kind === "card_update") return { invalidUsers: [] };
    // The outbox splits by maxRecipientsPerCall; more here would be a bug, never silently dropped people.
    if (recipients.length > WORK_NOTICE_MAX_RECIPIENTS) throw new ChannelError("dingtalk", "dingtalk_too_many_recipients", "钉钉工作通知每次最多发送给 100 人", false);
    const msg = toWorkNotice(message);
    const reply = await this.deps.api.post<OapiReply & { task_id?: number | string }>(ASYNCSEND_API, {
      agent_id: this.deps.agentId,
      userid_list: recipients.join(","),
      msg,
    });
    return { ...(reply.task_id !== undefined ? { platformMessageId: String(reply.task_id) } : {}), invalidUsers: [] };
  }
}
