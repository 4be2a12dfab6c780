import type { OutboundMessage } from "../../channels/channel";
import type { SentCards } from "../outbox";
import { hazardNotices, type NoticeFacts } from "./messages";

/**
 * The supervisor's "新隐患待处理" notice is a card one tap away from acting on the hazard: each
 * button names the chat flow it opens on that hazard (the flow checks the hazard is still new).
 */
export const NOTICE_CARD_ACTIONS = [
  { key: "assignment", label: "交办" },
  { key: "fix_on_spot", label: "即知即改" },
  { key: "transfer", label: "转交" },
] as const;

const TASK = /^hazard_(\d+)_v(\d+)(?:-[0-9a-f]{8})?$/;

/** One card per hazard version (WeChat Work wants task ids unique per app). */
export function noticeCardTaskId(hazardId: number, version: number): string {
  return `hazard_${hazardId}_v${version}`;
}

/** The hazard a clicked notice card is about, with the flow its button opens; null for other cards. */
export function noticeCardClick(taskId: string, buttonKey: string): { hazardId: number; version: number; flow: string } | null {
  const m = TASK.exec(taskId);
  if (!m || !NOTICE_CARD_ACTIONS.some((a) => a.key === buttonKey)) return null;
  return { hazardId: Number(m[1]), version: Number(m[2]), flow: buttonKey };
}

/** The new-hazard notice with its 交办 / 即知即改 / 转交 buttons. */
export function reportedNoticeCard(facts: NoticeFacts): OutboundMessage {
  const [title, ...lines] = hazardNotices.reported(facts).split("\n");
  return {
    kind: "card",
    card: {
      taskId: noticeCardTaskId(facts.hazard.id, facts.hazard.version),
      title: title!,
      description: [...lines, "请点击按钮办理，也可在「我的待办」中办理。"].join("\n"),
      buttons: NOTICE_CARD_ACTIONS.map((a, i) => ({ key: a.key, label: a.label, style: i === 0 ? 1 : 2 })),
    },
  };
}

/** What the notice cards' buttons say once someone acted on the hazard another way (我的待办, the API, another card). */
export const NOTICE_CARD_DONE: Partial<Record<string, string>> = { assign: "交办", fix_on_spot: "即知即改", transfer: "转交" };

/** Every notice card sent about the hazard (each version's), for greying them out. */
export function noticeCardsOf(hazardId: number): SentCards {
  return { source: `hazard:${hazardId}`, since: new Date(0), taskIdLike: `hazard_${hazardId}_v`, isCard: (taskId) => noticeCardClick(taskId, NOTICE_CARD_ACTIONS[0].key)?.hazardId === hazardId };
}
