import type { InboundEvent } from "../../channels/channel";
import { BUTTON_DONE, calloutIdOfTask } from "./vocabulary";

/**
 * The clicked button's new label in WeChat Work's passive `update_button` reply (callback.ts):
 * "已收到" / "已落实" on callout cards, "已选：<button>" elsewhere (or "已确认" when the button's words are unknown). The reply is the card update, so the
 * domain never sends a second `card_update` for the same click.
 */
export function calloutButtonLabel(event: Extract<InboundEvent, { kind: "card_click" }>, pressed?: string): string {
  // An answered question keeps what was chosen in sight, where the channel knows the button's words.
  if (calloutIdOfTask(event.taskId) === null) return pressed ? `已选：${pressed}` : "已确认";
  return event.buttonKey === BUTTON_DONE ? "已落实" : "已收到";
}
