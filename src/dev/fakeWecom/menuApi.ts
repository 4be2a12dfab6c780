import { type FakeHandler, fail, ok } from "./protocol";

const bytes = (v: unknown) => Buffer.byteLength(String(v ?? ""), "utf8");

/** menu/create with the platform's checks: 1–3 top entries (≤ 16 bytes), 1–5 sub-entries (≤ 40 bytes), click keys ≤ 128 bytes. */
export const menuCreate: FakeHandler = (req, state, config) => {
  if (Number(req.query.agentid) !== config.agentId) return fail(40056, "invalid agentid");
  const buttons = (req.json?.button ?? []) as Record<string, unknown>[];
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return fail(40017, "invalid button size");
  const badClick = (b: Record<string, unknown>, nameBytes: number) =>
    bytes(b.name) === 0 || bytes(b.name) > nameBytes || (b.type === "click" && (bytes(b.key) === 0 || bytes(b.key) > 128));
  for (const top of buttons) {
    const sub = top.sub_button as Record<string, unknown>[] | undefined;
    if (sub === undefined) {
      if (badClick(top, 16)) return fail(40018, "invalid button name size");
      continue;
    }
    if (bytes(top.name) === 0 || bytes(top.name) > 16) return fail(40018, "invalid button name size");
    if (!Array.isArray(sub) || sub.length < 1 || sub.length > 5) return fail(40023, "invalid sub button size");
    if (sub.some((b) => badClick(b, 40))) return fail(40024, "invalid sub button name size");
  }
  state.menu = buttons;
  return ok();
};
