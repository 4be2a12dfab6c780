import type { ChannelId, ChannelSender } from "../../src/channels/channel";
import { OrgUnit, Person, PersonAccount } from "../../src/db/entities";
import { findByChannelAccount, setAccount, setPreferredChannel } from "../../src/domain/org/accounts";
import { resolveRecipients } from "../../src/domain/outbox";
import type { OutboxWorker } from "../../src/outbox/worker";
import { backend } from "../support/backend";
import { type OutboxHarness, openOutboxHarness, text } from "../support/outboxHarness";
import { RecordingSender } from "../support/recordingSender";

describe(`people's messenger accounts (${backend()})`, () => {
  let h: OutboxHarness;
  let zhang: Person;
  let li: Person;
  let wang: Person;
  const wecom = new RecordingSender("wecom");
  const dingtalk = new RecordingSender("dingtalk");

  beforeAll(async () => {
    h = await openOutboxHarness();
    const m = h.stores.db.manager;
    const now = h.clock.now();
    const unit = await m.save(OrgUnit, { code: "ACC", name: "账号测试局", kind: "bureau", parentId: null, path: "/", createdAt: now, updatedAt: now });
    const person = (name: string, mobile: string) =>
      m.save(Person, { name, mobile, unitId: unit.id, roles: [], superiorId: null, preferredChannel: null, active: true, createdAt: now, updatedAt: now });
    [zhang, li, wang] = [await person("张三", "13700000001"), await person("李四", "13700000002"), await person("王五", "13700000003")];
    // 张三 is on both messengers; 李四 only on DingTalk, under an id that is 王五's on WeChat Work.
    await setAccount(m, zhang.id, "wecom", "ZhangSan", now);
    await setAccount(m, zhang.id, "dingtalk", "ding-zhang", now);
    await setAccount(m, li.id, "dingtalk", "same-id", now);
    await setAccount(m, wang.id, "wecom", "same-id", now);
  });
  afterAll(() => h.close());

  it("finds the person behind an account on each channel, without regard to case", async () => {
    const m = h.stores.db.manager;
    const idOf = async (channel: ChannelId, account: string) => (await findByChannelAccount(m, channel, account))?.id ?? null;
    expect(await idOf("wecom", "zhangsan")).toBe(zhang.id);
    expect(await idOf("wecom", "ZhangSan")).toBe(zhang.id);
    expect(await idOf("dingtalk", "ding-zhang")).toBe(zhang.id);
    expect(await idOf("dingtalk", "ZhangSan")).toBeNull();
    expect(await idOf("wecom", "same-id")).toBe(wang.id);
    expect(await idOf("dingtalk", "same-id")).toBe(li.id);
    // The console names people by their person id.
    expect(await idOf("console", String(li.id))).toBe(li.id);
    expect(await idOf("console", "li")).toBeNull();
  });

  it("keeps one account per person and channel, and each account with one person", async () => {
    const m = h.stores.db.manager;
    const now = h.clock.now();
    await setAccount(m, zhang.id, "wecom", "zhangsan2", now);
    expect(await m.find(PersonAccount, { where: { personId: zhang.id, channel: "wecom" } })).toHaveLength(1);
    expect((await findByChannelAccount(m, "wecom", "ZhangSan"))?.id).toBeUndefined();
    await expect(h.stores.db.transaction((tx) => setAccount(tx, li.id, "wecom", "zhangsan2", now))).rejects.toThrow();
    await setAccount(m, zhang.id, "wecom", "ZhangSan", now);
  });

  let lastMessageId = 0;
  let worker: OutboxWorker | undefined;

  /** Sends a notice to `people` with these channels enabled, and says who got it where. */
  async function notify(key: string, channels: ChannelId[]): Promise<string[]> {
    const people = await h.stores.db.manager.find(Person, { where: [{ id: zhang.id }, { id: li.id }], order: { id: "ASC" } });
    const { message } = await h.stores.db.transaction(async (tx) =>
      h.outbox.enqueue(tx, { idempotencyKey: key, lane: "routine", message: text(key), recipients: await resolveRecipients(tx, people, channels) }),
    );
    lastMessageId = message.id;
    // One worker sends both (on SQLite only one may run); which channel is enabled decided the routing above.
    worker ??= h.worker({}, { senders: new Map<ChannelId, ChannelSender>([["wecom", wecom], ["dingtalk", dingtalk]]) });
    await worker.drainOnce(h.clock.now());
    return [...wecom.delivered, ...dingtalk.delivered]
      .filter((d) => d.message.kind === "text" && d.message.text === key)
      .map((d) => `${wecom.delivered.some((w) => w === d) ? "wecom" : "dingtalk"}:${d.recipient}`)
      .sort();
  }

  it("sends to the first enabled channel a person has an account on, or to the one they prefer", async () => {
    expect(await notify("no preference", ["wecom", "dingtalk"])).toEqual(["dingtalk:same-id", "wecom:ZhangSan"]);
    await setPreferredChannel(h.stores.db.manager, zhang.id, "dingtalk");
    expect(await notify("prefers DingTalk", ["wecom", "dingtalk"])).toEqual(["dingtalk:ding-zhang", "dingtalk:same-id"]);
  });

  it("falls back to another of the person's channels while the preferred one is disabled", async () => {
    await setPreferredChannel(h.stores.db.manager, zhang.id, "dingtalk");
    // DingTalk switched off: 张三 gets it on WeChat Work, 李四 (DingTalk only) cannot be reached.
    expect(await notify("DingTalk off", ["wecom"])).toEqual(["wecom:ZhangSan"]);
    const deliveries = await h.outbox.deliveriesOfMessage(lastMessageId);
    expect(deliveries.map((d) => [d.personId, d.status, d.error])).toEqual([
      [zhang.id, "sent", null],
      [li.id, "failed", "未绑定企业微信账号，消息无法送达"],
    ]);
  });
});
