import type { WecomApi, WecomReply } from "./api";
import { utf8Bytes } from "./limits";
import { invalidMessage } from "./wecomError";

/**
 * The app's own menu at the bottom of its chat (menu/create). A click arrives as a `click` event
 * whose EventKey is the entry's key, i.e. a `menu_click` the bot answers like the words typed.
 * Limits: 1–3 top entries of ≤ 16 bytes, each with 0–5 sub-entries of ≤ 40 bytes; keys ≤ 128 bytes.
 */

export interface MenuEntry {
  name: string;
  key: string;
}

export interface MenuTop extends Partial<MenuEntry> {
  name: string;
  /** A top entry either is a click itself (`key`) or opens these. */
  sub?: MenuEntry[];
}

export const MENU_LIMITS = { top: 3, sub: 5, topNameBytes: 16, subNameBytes: 40, keyBytes: 128 } as const;

/** The menu/create body; refuses a menu the platform would refuse, naming the entry. */
export function menuPayload(menu: readonly MenuTop[]): { button: unknown[] } {
  if (menu.length < 1 || menu.length > MENU_LIMITS.top) throw invalidMessage(`应用菜单须有 1～${MENU_LIMITS.top} 个一级菜单，现有 ${menu.length} 个。`);
  const click = (e: MenuEntry, nameBytes: number) => {
    if (utf8Bytes(e.name) > nameBytes) throw invalidMessage(`菜单「${e.name}」过长：最多 ${nameBytes} 字节（约 ${Math.floor(nameBytes / 3)} 个汉字）。`);
    if (utf8Bytes(e.key) > MENU_LIMITS.keyBytes) throw invalidMessage(`菜单「${e.name}」的 key 超过 ${MENU_LIMITS.keyBytes} 字节。`);
    return { type: "click", name: e.name, key: e.key };
  };
  return {
    button: menu.map((top) => {
      if (!top.sub) return click({ name: top.name, key: top.key ?? "" }, MENU_LIMITS.topNameBytes);
      if (top.sub.length < 1 || top.sub.length > MENU_LIMITS.sub) throw invalidMessage(`菜单「${top.name}」须有 1～${MENU_LIMITS.sub} 个二级菜单，现有 ${top.sub.length} 个。`);
      if (utf8Bytes(top.name) > MENU_LIMITS.topNameBytes) throw invalidMessage(`菜单「${top.name}」过长：最多 ${MENU_LIMITS.topNameBytes} 字节。`);
      return { name: top.name, sub_button: top.sub.map((s) => click(s, MENU_LIMITS.subNameBytes)) };
    }),
  };
}

/** Replaces the app's menu; throws the platform's error (e.g. 60011 without permission) as a WecomError. */
export async function createAppMenu(api: WecomApi, menu: readonly MenuTop[]): Promise<void> {
  await api.post<WecomReply>("menu/create", menuPayload(menu), { agentid: api.agentId });
}
