import { In, Like } from "typeorm";
import { InboundEventRow, OutboxDelivery, OutboxMessage, Person } from "../../src/db/entities";
import { cardClickXml, imageMessageXml, textMessageXml } from "../fakes/fakeWecom";
import { JPEG } from "../support/botHarness";
import { CORP } from "../support/wecomApp";
import { Cluster, waitFor } from "./cluster";
import { messagesTo, settle, TEST_MS, withLogs, wordsOf } from "./support";

/**
 * Three app processes behind one WeChat Work: callbacks spread over them, the platform's retries
 * of one callback landing on different instances, one member's turns arriving on two at once.
 * Each checked at the fake (what members got) and in the database (what was stored).
 */
describe("three instances: callbacks and conversations", () => {
  let cluster: Cluster;
  let members: Person[];
  let msgSeq = 0;
  const msgId = () => `7${String(++msgSeq).padStart(18, "0")}`;
  /** The inbox's key of a member's message: the app's AgentID and the MsgId. */
  const keyOf = (id: string) => `${CORP.agentId}:${id}`;

  beforeAll(async () => {
    cluster = await Cluster.start();
    members = (await cluster.members()).filter((p) => p.roles.includes("village_cadre"));
  }, TEST_MS);
  afterAll(async () => {
    await cluster?.close();
  });

  const urls = () => cluster.instances.map((i) => i.url);
  const stamp = () => cluster.fake.stamp();

  it(
    "handles each message once, however many instances its retries reach",
    withLogs(
      () => cluster,
      async () => {
        const senders = members.slice(0, 9);
        expect(senders).toHaveLength(9);
        const messages = senders.map((p) => {
          const id = msgId();
          return { person: p, id, xml: textMessageXml({ ...stamp(), from: cluster.wecomId(p), content: "帮助", msgId: id }) };
        });

        // Every message reaches all three instances at once: the first delivery and the
        // platform's two retries (it retries when an answer is slow), each on another instance.
        const answers = await Promise.all(messages.flatMap((m) => urls().map((url) => cluster.fake.deliverCallback(url, m.xml))));
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));

        await waitFor("every message's turn to finish", async () => (await cluster.db.manager.count(InboundEventRow, { where: { eventKey: In(messages.map((m) => keyOf(m.id))), status: "done" } })) === messages.length);
        await waitFor("every member to get the menu", () => senders.every((p) => messagesTo(cluster.fake, cluster.wecomId(p)).length > 0));
        await settle();

        // One inbox row per message, one reply per message at the platform.
        const rows = await cluster.db.manager.find(InboundEventRow, { where: { eventKey: In(messages.map((m) => keyOf(m.id))) } });
        expect(rows).toHaveLength(messages.length);
        const replyKeys = await cluster.db.manager.find(OutboxMessage, { where: { idempotencyKey: Like("reply:wecom:%") } });
        for (const p of senders) {
          const got = messagesTo(cluster.fake, cluster.wecomId(p));
          expect(got.map(wordsOf)).toHaveLength(1);
        }
        expect(replyKeys).toHaveLength(messages.length);
        const sent = await cluster.db.manager.count(OutboxDelivery, { where: { messageId: In(replyKeys.map((k) => k.id)), status: "sent" } });
        expect(sent).toBe(messages.length);
      },
    ),
    TEST_MS,
  );

  it(
    "keeps one conversation when one member's turns arrive on two instances at once",
    withLogs(
      () => cluster,
      async () => {
        const member = members.find((p) => p.roles.includes("village_cadre")) as Person;
        const who = cluster.wecomId(member);
        const before = messagesTo(cluster.fake, who).length;
        const got = () => messagesTo(cluster.fake, who).slice(before);
        const turn = async (url: string, xml: string, expected: number) => {
          expect((await cluster.fake.deliverCallback(url, xml)).status).toBe(200);
          return waitFor(`reply ${expected}`, () => got().length >= expected && got());
        };
        const [a, b, c] = urls() as [string, string, string];

        // Into the hazard report, on three instances in turn: photo, "done with photos", description.
        expect((await turn(a, textMessageXml({ ...stamp(), from: who, content: "随手拍", msgId: msgId() }), 1)).map(wordsOf).join()).toContain("请拍摄或发送隐患照片");
        const mediaId = cluster.fake.addMedia({ bytes: JPEG, contentType: "image/jpeg", filename: "hazard.jpg" });
        expect((await turn(b, imageMessageXml({ ...stamp(), from: who, mediaId, msgId: msgId() }), 2)).map(wordsOf).join()).toContain("已收到 1 张照片");
        const card = got().filter((m) => m.taskId).at(-1);
        const buttons = (card?.body.template_card as { button_list: { text: string; key: string }[] }).button_list;
        const key = buttons.find((x) => x.text === "照片已发完")?.key as string;
        expect((await turn(c, cardClickXml({ ...stamp(), from: who, taskId: card?.taskId as string, key, responseCode: card?.responseCode as string }), 3)).at(-1)).toBeDefined();
        expect(wordsOf(got()[2] as never)).toContain("请描述隐患情况");

        // The description and the place, typed quickly, reach two instances at the same moment.
        // Turns of one member take turns: one answers the description question, the other the
        // place question — never both the same question.
        const [d, e] = [msgId(), msgId()];
        await Promise.all([
          cluster.fake.deliverCallback(a, textMessageXml({ ...stamp(), from: who, content: "桥头配电箱门损坏，电线裸露", msgId: d })),
          cluster.fake.deliverCallback(b, textMessageXml({ ...stamp(), from: who, content: "青禾桥东侧配电箱", msgId: e })),
        ]);
        await waitFor("both turns done", async () => (await cluster.db.manager.count(InboundEventRow, { where: { eventKey: In([d, e].map(keyOf)), status: "done" } })) === 2);
        await waitFor("two replies", () => got().length >= 5);
        await settle();
        const last = got().slice(3).map(wordsOf);
        expect(last).toHaveLength(2);
        expect(last.filter((w) => w.includes("隐患在哪里"))).toHaveLength(1);
        expect(last.filter((w) => w.includes("请选择隐患类别"))).toHaveLength(1);
      },
    ),
    TEST_MS,
  );

  it(
    "fetches the access token once for the fleet, and once again after the platform expired it",
    withLogs(
      () => cluster,
      async () => {
        // The earlier tests sent through all three instances; the fleet asked for one token.
        expect(cluster.fake.calls("gettoken")).toHaveLength(1);
        cluster.fake.expireTokens();
        const senders = members.slice(0, 6);
        const before = new Map(senders.map((p) => [p.id, messagesTo(cluster.fake, cluster.wecomId(p)).length]));
        await Promise.all(senders.map((p, i) => cluster.fake.deliverCallback(urls()[i % 3] as string, textMessageXml({ ...stamp(), from: cluster.wecomId(p), content: "帮助", msgId: msgId() }))));
        await waitFor("the replies after the expiry", () => senders.every((p) => messagesTo(cluster.fake, cluster.wecomId(p)).length > (before.get(p.id) ?? 0)));
        await settle();
        for (const p of senders) expect(messagesTo(cluster.fake, cluster.wecomId(p)).length).toBe((before.get(p.id) ?? 0) + 1);
        expect(cluster.fake.calls("gettoken")).toHaveLength(2);
      },
    ),
    TEST_MS,
  );
});
