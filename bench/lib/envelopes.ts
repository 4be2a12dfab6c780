import { randomBytes } from "node:crypto";
import { encryptedPost, textMessage, TEST_APP } from "../../test/support/wecomCallbacks";

/**
 * Encrypted callbacks made ahead of time, exactly as WeChat Work sends them (@wecom/crypto, the
 * same helpers the tests use), so the load generator only copies bytes while a server is measured.
 * Every envelope is a different message (its own MsgId), so on the full path each one is a new row.
 */

export const BENCH_APP = TEST_APP;
export const CALLBACK_PATH = "/wecom/callback";

export interface Envelope {
  /** `/wecom/callback?msg_signature=…&timestamp=…&nonce=…` */
  path: string;
  body: Buffer;
  /** The inbox's key for it: `AgentID:MsgId`. */
  eventKey: string;
}

// What people in a county actually send the bot: short confirmations and a few longer reports.
const TEXTS = [
  "收到",
  "已整改完毕，请复查",
  "3号车间的灭火器已经更换，压力表指针在绿区，附照片稍后上传。",
  "今天上午巡查发现仓库东侧消防通道被货物堵塞，已经通知仓库负责人王师傅立即清理，预计下午三点前完成，完成后再拍照反馈。",
  "好的",
  "明天的安全培训改到下午两点，地点不变，请各班组长通知到人。",
  "检查表第7项“动火作业审批”我们厂没有动火作业，这一项怎么填？",
  "ok",
];

export class EnvelopePool {
  readonly items: Envelope[] = [];
  /** A per-run tag in every MsgId, so two runs never produce the same key. */
  private readonly runTag = randomBytes(3).readUIntBE(0, 3) % 1_000_000;

  get size(): number {
    return this.items.length;
  }

  /** Appends `count` new envelopes; about 15 µs each. */
  grow(count: number): void {
    const nowS = Math.floor(Date.now() / 1000);
    for (let n = 0; n < count; n++) {
      const i = this.items.length;
      // 19 digits, like WeChat Work's: 7 ‖ run tag (6) ‖ sequence (12). Kept a string end to end.
      const msgId = `7${String(this.runTag).padStart(6, "0")}${String(i).padStart(12, "0")}`;
      const inner = textMessage({ from: `zhangsan${i % 500}`, content: TEXTS[i % TEXTS.length], msgId, createTime: nowS });
      const post = encryptedPost(BENCH_APP, inner, { timestamp: nowS });
      this.items.push({ path: `${CALLBACK_PATH}?${post.query}`, body: Buffer.from(post.body, "utf8"), eventKey: `${BENCH_APP.agentId}:${msgId}` });
    }
  }
}

/** Hands out envelopes: `unique` never repeats one (the full path), `cycling` wraps around. */
export class Cursor {
  private next = 0;
  /** Envelopes handed out a second time because the pool ran dry (must stay 0 for the full path). */
  reused = 0;

  constructor(
    private readonly pool: EnvelopePool,
    private readonly mode: "unique" | "cycling",
  ) {}

  get used(): number {
    return this.next;
  }

  get remaining(): number {
    return this.mode === "cycling" ? Infinity : this.pool.size - this.next;
  }

  take(): Envelope {
    if (this.next >= this.pool.size) {
      if (this.mode === "unique") this.reused++;
      const e = this.pool.items[this.next % this.pool.size];
      this.next++;
      return e;
    }
    return this.pool.items[this.next++];
  }
}
