import { setTimeout as sleep } from "node:timers/promises";
import { decrypt } from "@wecom/crypto";
import { ManualClock } from "../../src/clock";
import { Hazard, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { cardClickXml, type FakeMessage, imageMessageXml, textMessageXml } from "../fakes/fakeWecom";
import { wecomId, wecomIdOf } from "../support/accounts";
import { backend } from "../support/backend";
import { JPEG } from "../support/botHarness";
import { CORP, startWecomApp, type WecomApp } from "../support/wecomApp";

/**
 * The whole hazard journey over WeChat Work, as the demo county's people live it: 唐亮 checks in
 * at 东岭化工 and finds a hazard; its supervisor 交办s it from the notice card; 杜海 rectifies;
 * the verifier 复查s; it is 销号 — late at night for a 重大隐患 (nothing waits for the morning)
 * and mid-morning for a general one.
 */
describe(`the hazard journey over WeChat Work (${backend()})`, () => {
  const scenarios = [
    { when: "23:30", at: "2026-11-26T15:30:00Z", level: "重大隐患" as const },
    { when: "10:00", at: "2026-11-26T02:00:00Z", level: "一般隐患" as const },
    // A general hazard at night waits for the morning, and the reporter is told so, not "已通知".
    { when: "23:30", at: "2026-11-26T15:30:00Z", level: "一般隐患" as const },
  ];

  for (const s of scenarios) {
    it(`runs check-in → hazard → 交办 from the card → 整改反馈 → 复查 → 销号 for a ${s.level} at ${s.when} Shanghai time`, async () => {
      const clock = new ManualClock(s.at);
      const app = await startWecomApp(clock);
      try {
        await journey(app, clock, s.level);
      } finally {
        await app.close();
      }
    }, 180_000);
  }
});

async function journey(app: WecomApp, clock: ManualClock, level: "重大隐患" | "一般隐患"): Promise<void> {
  const { services, fake } = app;
  const { manager } = services.db;
  await loadDemo(services.db, clock);
  let seq = 0;
  const account = async (name: string) => wecomId(manager, await manager.findOneByOrFail(Person, { name }));
  // The demo county's people are members of the fake corp, so messages reach them.
  for (const person of await manager.find(Person, { where: { active: true } })) {
    const userid = await wecomIdOf(manager, person);
    if (userid) fake.addUser({ userid, name: person.name, department: [1] });
  }
  const to = (userid: string) => fake.messages.filter((m) => m.delivered.includes(userid));
  const words = (m: FakeMessage) => {
    const card = m.body.template_card as { main_title: { title: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[] } | undefined;
    if (card) return [card.main_title.title, card.sub_title_text ?? "", ...(card.horizontal_content_list ?? []).map((f) => `${f.keyname}：${f.value}`)].join("\n");
    return m.msgtype === "text" ? (m.body.text as { content: string }).content : `[${m.msgtype}]`;
  };
  const said = (messages: FakeMessage[]) => messages.map(words).join("\n");

  // What the clicked button says now, from the passive reply of the last click.
  let pressed = "";
  async function send(name: string, xml: (from: string) => string): Promise<FakeMessage[]> {
    const member = await account(name);
    const before = to(member).length;
    const answer = await fake.deliverCallback(app.url, xml(member));
    expect(answer.status).toBe(200);
    const sealed = /<Encrypt><!\[CDATA\[(.+?)\]\]><\/Encrypt>/.exec(answer.body)?.[1];
    if (sealed) pressed = /<ReplaceName><!\[CDATA\[(.+?)\]\]>/.exec(decrypt(CORP.encodingAesKey, sealed).message)?.[1] ?? "";
    for (let i = 0; i < 100 && to(member).length === before; i++) {
      await services.outboxWorker.drainOnce(clock.now());
      await sleep(20);
    }
    await services.inbox.drain();
    await services.outboxWorker.drainOnce(clock.now());
    clock.advance(5_000);
    return to(member).slice(before);
  }
  const text = (name: string, content: string) => send(name, (from) => textMessageXml({ ...fake.stamp(), from, content, msgId: `77${++seq}` }));
  const photo = (name: string) => {
    const mediaId = fake.addMedia({ bytes: JPEG, contentType: "image/jpeg", filename: "photo.jpg" });
    return send(name, (from) => imageMessageXml({ ...fake.stamp(), from, mediaId, msgId: `77${++seq}` }));
  };
  const cardOf = async (name: string, title?: string) => {
    const cards = to(await account(name)).filter((m) => m.taskId && (!title || words(m).startsWith(title)));
    return cards.at(-1)!;
  };
  const click = async (name: string, label: string, card?: FakeMessage) => {
    const on = card ?? (await cardOf(name));
    const key = (on.body.template_card as { button_list: { text: string; key: string }[] }).button_list.find((b) => b.text === label)!.key;
    // A click carries a code of its own; the one the card was sent with stays for a later update.
    return send(name, (from) => cardClickXml({ ...fake.stamp(), from, taskId: on.taskId!, key, responseCode: fake.clickCard(on.msgid) }));
  };
  // The update_template_card bodies applied to a card: how its buttons were greyed out after the fact.
  const greyedOut = (card: FakeMessage) => card.updates.map((u) => (u.button as { replace_name: string }).replace_name);

  // 唐亮 checks in at 东岭化工 and finds the hazard; his remark becomes its description.
  await text("唐亮", "巡查打卡");
  expect(said(await text("唐亮", "东岭化工"))).toContain("请选择检查类型");
  await click("唐亮", "日常巡查");
  // The answered card keeps the choice in sight, as the console's does.
  expect(pressed).toBe("已选：日常巡查");
  await click("唐亮", "发现隐患");
  expect(pressed).toBe("已选：发现隐患");
  await photo("唐亮");
  await click("唐亮", "照片已发完");
  const remarkCard = await cardOf("唐亮", "请输入备注");
  const handed = said(await text("唐亮", "储罐区防雷检测过期，静电接地线断开"));
  // Answered by typing: the remark question's 「无」 greys out at once, not only after a click that fails.
  expect(greyedOut(remarkCard)).toEqual(["已回复"]);
  expect(handed).toContain("备注：储罐区防雷检测过期，静电接地线断开");
  expect(handed).toContain("情况：储罐区防雷检测过期，静电接地线断开");
  await click("唐亮", "确认");
  await click("唐亮", "危化品");
  const reported = said(await click("唐亮", level));
  const number = /隐患已上报：(YH-\d{4}-\d{6})/.exec(reported)![1]!;
  let hazard = await manager.findOneByOrFail(Hazard, { number });
  const supervisor = await manager.findOneByOrFail(Person, { id: hazard.supervisorId! });
  expect(supervisor.name).toBe("郭强"); // as the README's walk-through says
  const night = shanghaiHour(clock.now()) >= 21;
  if (level === "一般隐患" && night) {
    // Held by quiet hours: the reporter hears when it goes out; the supervisor hears nothing until then.
    expect(reported).toMatch(new RegExp(`夜间免打扰，将于 明天 08:00 通知 .*${supervisor.name}`));
    expect(said(to(await account(supervisor.name)))).not.toContain(number);
    clock.set(new Date(clock.now().getTime() + msUntilShanghai8(clock.now())));
    for (let i = 0; i < 20 && !said(to(await account(supervisor.name))).includes(number); i++) await services.outboxWorker.drainOnce(clock.now());
  } else {
    // Mid-morning, or a 重大隐患 at night: nobody waits, and the reporter is told so truthfully.
    expect(reported).toContain("已通知");
    expect(reported).not.toContain("夜间免打扰");
  }

  // The supervisor's notice is a card; 交办 starts from its button with the owner pre-filled.
  const notice = await cardOf(supervisor.name, "新隐患待处理");
  expect(words(notice)).toContain(number);
  expect(said(await click(supervisor.name, "交办", notice))).toContain("整改责任人：杜海");
  const deadlines = said(await text(supervisor.name, "更换静电接地线，重新做防雷检测"));
  // Each choice says the day it ends on; the one chosen is the deadline the assignment states.
  const [, month, day] = /7 天：至 (\d+)月(\d+)日/.exec(deadlines) ?? [];
  expect(month).toBeDefined();
  let assigned = said(await click(supervisor.name, "7 天"));
  if (level === "重大隐患") {
    expect(assigned).toContain("五落实");
    await text(supervisor.name, "企业自筹 3 万元");
    assigned = said(await text(supervisor.name, "储罐区停止装卸，专人值守"));
  }
  expect(assigned).toContain(`隐患 ${number} 已交办`);
  expect(assigned).toContain(`整改期限 2026-${month!.padStart(2, "0")}-${day!.padStart(2, "0")}`);
  // The notice card is done with: its buttons say who handled it, not only "已选：交办" on the clicker's screen.
  expect(greyedOut(notice)).toEqual([`已由${supervisor.name}交办`]);
  expect(assigned).toContain("已通知杜海");
  expect(said(to(await account("杜海")))).toContain("隐患交办单");

  // 杜海 rectifies, seeing the photo taken at the check-in first.
  const opened = await text("杜海", "整改反馈");
  expect(said(opened)).toContain("整改前照片 1 张");
  expect(opened.some((m) => m.msgtype === "image")).toBe(true);
  await photo("杜海");
  await click("杜海", "照片已发完");
  expect(said(await text("杜海", "已更换接地线，防雷检测合格"))).toContain("整改反馈已提交");

  // The verifier sees the note and both photos as pictures, passes it, and is offered 销号.
  hazard = await manager.findOneByOrFail(Hazard, { number });
  const verifier = await manager.findOneByOrFail(Person, { id: hazard.verifierId! });
  expect(verifier.name).toBe("郭强");
  const review = await text(verifier.name, "复查");
  expect(said(review)).toContain("整改说明：已更换接地线，防雷检测合格");
  expect(review.filter((m) => m.msgtype === "image")).toHaveLength(2);
  const passed = said(await click(verifier.name, "复查通过"));
  expect(passed).toContain(`隐患 ${number} 复查通过`);

  if (level === "一般隐患") {
    expect(passed).toContain("是否销号");
    expect(said(await click(verifier.name, "销号"))).toContain(`隐患 ${number} 已销号`);
  } else {
    // A 重大隐患 needs a leader's signature: 李明 finds it in 我的待办 and signs and closes at once.
    expect(passed).toContain("须经分管负责人或主要负责人签字后销号");
    const todo = said(await text("李明", "待办"));
    expect(todo).toContain(`【待签字销号】${number}`);
    const n = todo.split("\n").find((l) => l.includes(number))!.split(".")[0]!;
    expect(said(await text("李明", n))).toContain("是否签字并销号");
    expect(said(await click("李明", "签字并销号"))).toContain(`隐患 ${number} 已销号`);
  }
  expect(await manager.findOneByOrFail(Hazard, { number })).toMatchObject({ state: "closed" });
  expect(said(to(await account("杜海")))).toContain("隐患已销号");
}

/** The hour on a Shanghai wall clock (UTC+8, no daylight saving). */
function shanghaiHour(at: Date): number {
  return (at.getUTCHours() + 8) % 24;
}

/** From `at` to the next 08:00 in Shanghai, plus a minute: when the night's held notices are due. */
function msUntilShanghai8(at: Date): number {
  const next = new Date(at);
  next.setUTCHours(0, 1, 0, 0); // 08:01 Shanghai
  if (next <= at) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - at.getTime();
}
