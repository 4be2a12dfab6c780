import type { DeliveryReports } from "../channel";
import type { DingtalkApi, OapiReply } from "./api";
import { TASK_PREFIX } from "./DingtalkSender";

export const GET_SEND_RESULT_API = "topapi/message/corpconversation/getsendresult";

interface SendResult {
  invalid_user_id_list?: string[];
  forbidden_user_id_list?: string[];
  failed_user_id_list?: string[];
}

/** Why each list's people did not get the notification, in words for the ledger. */
const LISTS: readonly { field: keyof SendResult; code: string; reason: string }[] = [
  { field: "invalid_user_id_list", code: "invalid_user", reason: "钉钉：该账号无效或不在应用可见范围内，工作通知未送达" },
  { field: "forbidden_user_id_list", code: "dingtalk_flow_limited", reason: "钉钉：超过每人每天的工作通知上限或同一内容一天只能收到一次，工作通知未送达" },
  { field: "failed_user_id_list", code: "dingtalk_failed", reason: "钉钉：工作通知发送失败" },
];

/**
 * Work notifications answer success when accepted, not when delivered: over-limit sends are
 * dropped silently (PROTOCOLS §3.6). getsendresult names who was not reached.
 */
export class WorkNoticeResults implements DeliveryReports {
  constructor(private readonly deps: { api: DingtalkApi; agentId: number }) {}

  covers(platformMessageId: string): boolean {
    return platformMessageId.startsWith(TASK_PREFIX);
  }

  async undelivered(platformMessageId: string): Promise<{ userId: string; code: string; reason: string }[] | null> {
    const taskId = Number(platformMessageId.slice(TASK_PREFIX.length));
    if (!Number.isSafeInteger(taskId)) return [];
    const reply = await this.deps.api.post<OapiReply & { send_result?: SendResult }>(GET_SEND_RESULT_API, { agent_id: this.deps.agentId, task_id: taskId });
    const result = reply.send_result ?? {};
    return LISTS.flatMap((list) => (result[list.field] ?? []).map((userId) => ({ userId, code: list.code, reason: list.reason })));
  }
}
