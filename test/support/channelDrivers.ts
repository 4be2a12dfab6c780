import { setTimeout as sleep } from "node:timers/promises";
import { decrypt } from "@wecom/crypto";
import type { Clock } from "../../src/clock";
import type { Person } from "../../src/db/entities";
import type { Services } from "../../src/services";
import { deliverCardClick, deliverRobotMessage, robotMediaBody, robotTextBody } from "../fakes/fakeDingtalk";
import { cardClickXml, imageMessageXml, textMessageXml } from "../fakes/fakeWecom";
import { setAccountOf } from "./accounts";
import { startDingtalkApp } from "./dingtalkApp";
import { CORP, startWecomApp } from "./wecomApp";

/** One item a person saw in their messenger: what it says, and its buttons when it is a button card. */
export interface SeenItem {
  text: string;
  buttons: { key: string; label: string }[];
  /** What a card shows in place of its buttons once updated ("已选：交办", "已取消"), if it was. */
  done?: string;
}

/**
 * A messenger as a person uses it, the same verbs for every channel: the parity tests run one
 * table of flows through each driver and expect the same outcomes (issue 11).
 */
export interface ChannelDriver {
  readonly channel: "wecom" | "dingtalk";
  readonly services: Services;
  /** Gives `person` an account on this messenger (as the directory import or contact sync would) and returns it. */
  enroll(person: Person): Promise<string>;
  /** Sends a text from `account`. */
  say(account: string, text: string): Promise<void>;
  /** Sends a JPEG from `account`. */
  photo(account: string, jpeg: Buffer): Promise<void>;
  /** Clicks the button labelled `label` on the latest card `account` holds; returns the label the card then shows. */
  click(account: string, label: string): Promise<string>;
  /** Everything `account` saw, in order. */
  seen(account: string): SeenItem[];
  close(): Promise<void>;
}

let seq = 0;
const nextId = () => `${Date.now() % 1_000_000}${++seq}`.padStart(8, "0");

export async function wecomDriver(clock: Clock): Promise<ChannelDriver> {
  const app = await startWecomApp(clock);
  const { fake, services } = app;
  const stamp = () => ({ corpId: CORP.corpId, agentId: CORP.agentId, createTime: Math.floor(clock.now().getTime() / 1000) });
  const deliver = async (xml: string) => {
    const answer = await fake.deliverCallback(app.url, xml);
    if (answer.status !== 200) throw new Error(`callback answered ${answer.status}`);
    return answer;
  };
  return {
    channel: "wecom",
    services,
    async enroll(person) {
      const account = `wx${person.id}`;
      await setAccountOf(services.db.manager, person, "wecom", account, clock.now());
      fake.addUser({ userid: account, name: person.name, department: [1] });
      return account;
    },
    async say(account, text) {
      await deliver(textMessageXml({ ...stamp(), from: account, content: text, msgId: `73${nextId()}` }));
    },
    async photo(account, jpeg) {
      const mediaId = fake.addMedia({ bytes: jpeg, contentType: "image/jpeg", filename: "photo.jpg" });
      await deliver(imageMessageXml({ ...stamp(), from: account, mediaId, msgId: `73${nextId()}` }));
    },
    async click(account, label) {
      const card = fake.messages.filter((m) => m.taskId && m.delivered.includes(account)).at(-1);
      const buttons = (card?.body.template_card as { button_list: { text: string; key: string }[] } | undefined)?.button_list ?? [];
      const key = buttons.find((b) => b.text === label)?.key;
      if (!card || !key) throw new Error(`no card with a ${label} button for ${account}`);
      const answer = await deliver(cardClickXml({ ...stamp(), from: account, taskId: card.taskId as string, key, responseCode: fake.clickCard(card.msgid) }));
      const sealed = /<Encrypt><!\[CDATA\[(.+?)\]\]><\/Encrypt>/.exec(answer.body)?.[1] ?? "";
      return /<ReplaceName><!\[CDATA\[(.+?)\]\]>/.exec(decrypt(CORP.encodingAesKey, sealed).message)?.[1] ?? "";
    },
    seen(account) {
      return fake.messages
        .filter((m) => m.delivered.includes(account))
        .map((m) => {
          const card = m.body.template_card as { main_title: { title: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[]; button_list?: { text: string; key: string }[] } | undefined;
          if (!card) return { text: (m.body.text as { content: string } | undefined)?.content ?? (m.body.markdown as { content: string } | undefined)?.content ?? `[${m.msgtype}]`, buttons: [] };
          const fields = (card.horizontal_content_list ?? []).map((f) => `${f.keyname}：${f.value}`);
          const done = (m.updates.at(-1)?.button as { replace_name?: string } | undefined)?.replace_name;
          return { text: [card.main_title.title, card.sub_title_text, ...fields].filter(Boolean).join("\n"), buttons: (card.button_list ?? []).map((b) => ({ key: b.key, label: b.text })), ...(done ? { done } : {}) };
        });
    },
    close: () => app.close(),
  };
}

export async function dingtalkDriver(clock: Clock): Promise<ChannelDriver> {
  const app = await startDingtalkApp(clock);
  const { fake, services } = app;
  const deliver = async (body: Record<string, unknown>) => {
    const answer = await deliverRobotMessage(app.callbackApp, body, clock.now().getTime());
    if (answer.status !== 200) throw new Error(`robot callback answered ${answer.status}`);
  };
  // Each message comes with its chat's session webhook, as DingTalk sends it.
  const envelope = (account: string) => ({ senderStaffId: account, msgId: `msg${nextId()}`, session: fake.sessionWebhook(account) });
  return {
    channel: "dingtalk",
    services,
    async enroll(person) {
      const account = `ding${person.id}`;
      await setAccountOf(services.db.manager, person, "dingtalk", account, clock.now());
      return account;
    },
    say: (account, text) => deliver(robotTextBody({ ...envelope(account), content: text }, app.callbackApp, clock.now().getTime())),
    photo: (account, jpeg) => deliver(robotMediaBody({ ...envelope(account), msgtype: "picture", downloadCode: fake.addFile(jpeg, "image/jpeg") }, app.callbackApp, clock.now().getTime())),
    async click(account, label) {
      const card = fake.cardsTo(account).filter((c) => c.buttons.length > 0).at(-1);
      const button = card?.buttons.find((b) => b.label === label);
      if (!card || !button) throw new Error(`no card with a ${label} button for ${account}`);
      const answer = await deliverCardClick(app.callbackApp, { bizId: card.bizId, userId: account, actionId: button.id });
      if (answer.status !== 200) throw new Error(`card callback answered ${answer.status}`);
      // The card is updated once the click is stored and answered.
      for (let i = 0; i < 100 && card.done === undefined; i++) await sleep(20);
      return card.done ?? "";
    },
    seen(account) {
      return fake.chatOf(account).map((item) => ({ text: item.text, buttons: item.card && !item.card.done ? item.card.buttons.map((b) => ({ key: b.id, label: b.label })) : [], ...(item.card?.done ? { done: item.card.done } : {}) }));
    },
    close: () => app.close(),
  };
}
