import type { InboundEvent } from "../../channels/channel";
import { BUTTON_DONE, calloutIdOfTask } from "./vocabulary";

/**
 * The clicked button's new label in WeChat Work's passive `update_button` reply (callback.ts):
 * "已收到" / "已落实" on callout cards, "已确认" elsewhere. The reply is the card update, so the
 * domain never sends a second `card_update` for the same click.
 */
export function calloutButtonLabel(event: Extract<InboundEvent, { kind: "card_click" }>): string {
  if (calloutIdOfTask(event.taskId) === null) return "已确认";
  return event.buttonKey === BUTTON_DONE ? "已落实" : "已收到";
}
