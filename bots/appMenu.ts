import type { Flow } from "./flow";

/** One entry of a messenger's app menu: a click sends `key`, which the engine reads as a `menu_click`. */
export interface AppMenuEntry {
  name: string;
  key: string;
}

export interface AppMenuTop {
  name: string;
  key?: string;
  sub?: AppMenuEntry[];
}

/** The key of a menu entry that starts a flow; the engine strips the prefix. */
export const flowMenuKey = (flow: Flow) => `flow:${flow.name}`;
/** The key that shows the menu of what the person can do. */
export const HELP_MENU_KEY = "menu";

/**
 * The app menu every member sees (messenger menus are not per role; a flow the person may not use
 * answers so): the first two flows as one-tap entries, the others under 「更多」 with 帮助 while a
 * sub-menu has room (5 entries). Typing 帮助 always works, so 帮助 is the first to give way.
 */
export function appMenu(flows: readonly Flow[]): AppMenuTop[] {
  // Flows reached from a card (即知即改, 转交, 销号) have no menu entry of their own.
  const [first, second, ...rest] = flows.filter((f) => f.inMenu !== false);
  const top: AppMenuTop[] = [first, second].filter((f): f is Flow => f !== undefined).map((f) => ({ name: f.label, key: flowMenuKey(f) }));
  const more = [...rest.map((f) => ({ name: f.label, key: flowMenuKey(f) })), { name: "帮助", key: HELP_MENU_KEY }].slice(0, 5);
  return [...top, { name: "更多", sub: more }];
}
