import type { InboundEvent } from "../../channels/channel";
import { BUTTON_DONE, calloutIdOfTask } from "./vocabulary";

/**
 * The clicked button's new label in WeChat Work's passive `update_button` reply (callback.ts):
 * "已收到" / "已落实" on callout cards, "已选：<button>" elsewhere (or "已确认" when the button's words are unknown). The reply is the card update, so the
 * domain never sends a second `card_update` for the same click.
 */
export function calloutButtonLabel(event: Extract<InboundEvent, { kind: "card_click" }>, pressed?: string): string {
  // An answered question keeps what was chosen in sight, where the channel knows the button's words.
  if (calloutIdOfTask(event.taskId) === null) return pressed ? chosenLabel(pressed) : "已确认";
  return event.buttonKey === BUTTON_DONE ? "已落实" : "已收到";
}

/** "已选：日常巡查": an answered question's card, however it was answered (a click, or the choice typed). */
export function chosenLabel(words: string): string {
  return `已选：${shortened(words)}`;
}

/** A button holds about ten characters: a long name (an enterprise's) keeps its start. */
const CHOSEN_MAX_CHARS = 10;

function shortened(words: string): string {
  const chars = [...words];
  return chars.length <= CHOSEN_MAX_CHARS ? words : `${chars.slice(0, CHOSEN_MAX_CHARS - 1).join("")}…`;
}
