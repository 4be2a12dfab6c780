import { createHash } from "node:crypto";
import { formatLocal } from "../../clock";
import type { KeyValue } from "../../kv";
import { LIMITS } from "./limits";
import type { WorkNoticeMsg } from "./messages";

/** Marks live a little over a day: the platform's day is Shanghai's calendar day. */
const DAY_MS = 26 * 3_600_000;

/**
 * The work-notification rules DingTalk enforces silently (PROTOCOLS §3.6), kept before sending:
 * the same content reaches a person at most once a day — a repeat (a second reminder worded
 * the same) gets the time appended so it differs — and nobody is sent more than the daily cap
 * (those recipients are left to the robot chat or to the next day by the caller).
 */
export class NoticeRules {
  constructor(private readonly kv: KeyValue) {}

  /** `msg`, varied when any recipient already got exactly this content today. */
  async vary(msg: WorkNoticeMsg, userIds: string[], now: Date): Promise<WorkNoticeMsg> {
    const day = formatLocal(now).slice(0, 10);
    const digest = createHash("sha256").update(JSON.stringify(msg)).digest("hex").slice(0, 16);
    const seen = await this.kv.getMany(userIds.map((u) => `dingtalk:notice:${day}:${u}:${digest}`));
    // A file cannot be reworded; the same file twice a day to one person is not something we send.
    if (!seen.some((s) => s !== null) || (msg.msgtype !== "text" && msg.msgtype !== "markdown")) return msg;
    const stamp = `（${formatLocal(now).slice(11)} 再次提醒）`;
    return msg.msgtype === "text" ? { msgtype: "text", text: { content: `${msg.text.content}\n${stamp}` } } : { msgtype: "markdown", markdown: { ...msg.markdown, text: `${msg.markdown.text}\n\n${stamp}` } };
  }

  /** The recipients already at the daily cap today, who must not get another work notification. */
  async overCap(userIds: string[], now: Date): Promise<string[]> {
    const day = formatLocal(now).slice(0, 10);
    const counts = await this.kv.getMany(userIds.map((u) => `dingtalk:notices:${day}:${u}`));
    return userIds.filter((_, i) => Number(counts[i] ?? 0) >= LIMITS.workNoticesPerUserPerDay);
  }

  /** Records what went out, for the two rules above. */
  async record(msg: WorkNoticeMsg, userIds: string[], now: Date): Promise<void> {
    const day = formatLocal(now).slice(0, 10);
    const digest = createHash("sha256").update(JSON.stringify(msg)).digest("hex").slice(0, 16);
    for (const u of userIds) {
      await this.kv.set(`dingtalk:notice:${day}:${u}:${digest}`, "1", DAY_MS);
      await this.kv.increment(`dingtalk:notices:${day}:${u}`, DAY_MS);
    }
  }
}
