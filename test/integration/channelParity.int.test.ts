import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/clock";
import { Hazard, Person } from "../../src/db/entities";
import { InboundEventRow } from "../../src/db/entities/InboundEventRow";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { backend } from "../support/backend";
import { JPEG } from "../support/botHarness";
import { type ChannelDriver, dingtalkDriver, wecomDriver } from "../support/channelDrivers";

/**
 * The same people doing the same things over the fake WeChat Work and the fake DingTalk, with the
 * same outcomes (issue 11): the bot flows, 叫应 and the outbox know no messenger.
 */
describe.each([
  ["企业微信", wecomDriver],
  ["钉钉", dingtalkDriver],
] as const)(`one product over %s (${backend()})`, (_name, start) => {
  // 10:00 in Shanghai on a working day: no quiet hours in the way.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let driver: ChannelDriver;
  let inspector: string;
  let officer: Person;
  let cadres: { person: Person; account: string }[];

  beforeAll(async () => {
    driver = await start(clock);
    await loadDemo(driver.services.db, clock);
    const people = await driver.services.db.manager.find(Person, { where: { active: true }, order: { id: "ASC" } });
    inspector = await driver.enroll(people.find((p) => p.name === "张伟") as Person);
    officer = people.find((p) => p.roles.includes("duty_officer")) as Person;
    cadres = [];
    for (const person of people.filter((p) => p.roles.includes("village_cadre")).slice(0, 2)) cadres.push({ person, account: await driver.enroll(person) });
  });
  afterAll(() => driver.close());

  /** Lets the inbox handle what came in and the outbox send what it queued, until `account` saw something new. */
  async function settle(account: string, before: number): Promise<string> {
    for (let i = 0; i < 150 && driver.seen(account).length === before; i++) {
      await driver.services.inbox.drain();
      await driver.services.outboxWorker.drainOnce(clock.now());
      if (driver.seen(account).length === before) await sleep(20);
    }
    await driver.services.inbox.drain();
    await driver.services.outboxWorker.drainOnce(clock.now());
    // Past the per-person minute limits, so a long conversation is never throttled.
    clock.advance(5_000);
    return driver.seen(account).slice(before).map((s) => s.text).join("\n");
  }

  async function say(account: string, text: string): Promise<string> {
    const before = driver.seen(account).length;
    await driver.say(account, text);
    return settle(account, before);
  }

  /** Picks `label`: the card's button where the question came as a card, else its number in the list. */
  async function choose(account: string, label: string): Promise<string> {
    const before = driver.seen(account).length;
    const last = driver.seen(account).filter((s) => s.buttons.length > 0 || /^\d+\. /m.test(s.text)).at(-1);
    if (last?.buttons.some((b) => b.label === label)) {
      await driver.click(account, label);
      return settle(account, before);
    }
    const number = new RegExp(`^(\\d+)\\. ${label}`, "m").exec(last?.text ?? "")?.[1];
    if (!number) throw new Error(`${label} is not offered to ${account}`);
    await driver.say(account, number);
    return settle(account, before);
  }

  it("answers 帮助 with the menu of what the person may do", async () => {
    expect(await say(inspector, "帮助")).toContain("张伟，您好！请选择要办理的事项");
  });

  it("takes a hazard report with a photo from the chat to a numbered hazard", async () => {
    expect(await say(inspector, "随手拍")).toContain("请拍摄或发送隐患照片");
    const before = driver.seen(inspector).length;
    await driver.photo(inspector, JPEG);
    expect(await settle(inspector, before)).toContain("已收到 1 张照片");
    expect(await choose(inspector, "照片已发完")).toContain("请描述隐患情况");
    expect(await say(inspector, "桥头配电箱门损坏，电线裸露")).toContain("隐患在哪里");
    expect(await say(inspector, "青禾桥东侧配电箱")).toContain("请选择隐患类别");
    await choose(inspector, "用电安全");
    expect(await choose(inspector, "一般隐患")).toMatch(/隐患已上报：YH-\d{4}-\d{6}/);
    const hazard = await driver.services.db.manager.findOneByOrFail(Hazard, { description: "桥头配电箱门损坏，电线裸露" });
    expect(hazard).toMatchObject({ source: "chat_photo", level: "general", category: "用电安全", locationText: "青禾桥东侧配电箱" });
  });

  it("runs a 叫应: a card to each person, a click marks the card 已收到, a typed 收到 counts too", async () => {
    const { callouts } = driver.services;
    const draft = await callouts.create(officer, {
      title: "暴雨红色预警叫应",
      text: "气象台发布暴雨红色预警，请立即组织巡查，人员撤离到位后回复。",
      warningType: "rainstorm",
      level: "red",
      requiresReport: false,
      rules: [],
      personIds: cadres.map((c) => c.person.id),
      remindEveryMinutes: 5,
      maxReminders: 2,
    });
    const [first, second] = cadres as [{ person: Person; account: string }, { person: Person; account: string }];
    const before = driver.seen(first.account).length;
    await callouts.send(officer, draft.id);
    await settle(first.account, before);
    for (const { account } of cadres) {
      const card = driver.seen(account).at(-1);
      expect(card?.text).toContain("暴雨红色预警叫应");
      expect(card?.buttons.map((b) => b.label)).toEqual(["收到"]);
    }
    expect(await driver.click(first.account, "收到")).toBe("已收到");
    expect(await say(second.account, "收到")).toContain("已收到您的回应");
    let board = await callouts.board(draft.id);
    for (let i = 0; i < 100 && board.counts.answered < 2; i++) {
      await sleep(20);
      board = await callouts.board(draft.id);
    }
    expect(board.counts).toMatchObject({ total: 2, answered: 2, notYet: 0 });
  });

  it("greys out a question's card once the question has passed: answered by typing, or cancelled", async () => {
    await say(inspector, "随手拍");
    let before = driver.seen(inspector).length;
    await driver.photo(inspector, JPEG);
    await settle(inspector, before);
    const photosCard = driver.seen(inspector).length - 1;
    expect(driver.seen(inspector)[photosCard]?.buttons.map((b) => b.label)).toContain("照片已发完");
    // Typed instead of clicked: the card shows what was chosen.
    expect(await say(inspector, "照片已发完")).toContain("请描述隐患情况");
    expect(driver.seen(inspector)[photosCard]?.done).toBe("已选：照片已发完");
    await say(inspector, "取消");

    await say(inspector, "随手拍");
    before = driver.seen(inspector).length;
    await driver.photo(inspector, JPEG);
    await settle(inspector, before);
    const cancelled = driver.seen(inspector).length - 1;
    expect(await say(inspector, "取消")).toContain("已退出");
    expect(driver.seen(inspector)[cancelled]?.done).toBe("已取消");
  });

  it("hands a new hazard over from the supervisor's 新隐患待处理 card: 交办 opens the assignment with the owner filled in", async () => {
    // Everyone reachable on this messenger, so the supervisor's notice card arrives here.
    const enrolled = new Map<number, string>();
    for (const person of await driver.services.db.manager.find(Person, { where: { active: true } })) {
      const known = person.name === "张伟" ? inspector : cadres.find((c) => c.person.id === person.id)?.account;
      enrolled.set(person.id, known ?? (await driver.enroll(person)));
    }
    await say(inspector, "随手拍");
    let before = driver.seen(inspector).length;
    await driver.photo(inspector, JPEG);
    await settle(inspector, before);
    await choose(inspector, "照片已发完");
    await say(inspector, "加油站卸油口防静电夹损坏");
    await say(inspector, "青禾加油站卸油区");
    await choose(inspector, "消防安全");
    const number = /隐患已上报：(\S+)/.exec(await choose(inspector, "一般隐患"))?.[1];
    const hazard = await driver.services.db.manager.findOneByOrFail(Hazard, { number: number ?? "missing" });
    const supervisor = enrolled.get(hazard.supervisorId as number) as string;
    const card = driver.seen(supervisor).filter((s) => s.buttons.length > 0).at(-1);
    expect(card?.text).toContain("新隐患待处理");
    expect(card?.text).toContain(number);
    expect(card?.buttons.map((b) => [b.key, b.label])).toEqual([
      ["assignment", "交办"],
      ["fix_on_spot", "即知即改"],
      ["transfer", "转交"],
    ]);
    expect(await choose(supervisor, "交办")).toContain("整改责任人：");
    // The click names the card as every channel does: the hazard's task id (each call's suffix aside) and the button key.
    const click = await driver.services.db.manager.findOneOrFail(InboundEventRow, { where: { senderId: supervisor, kind: "card_click" }, order: { id: "DESC" } });
    expect(JSON.parse(click.payload)).toMatchObject({ taskId: expect.stringMatching(new RegExp(`^hazard_${hazard.id}_v${hazard.version}(-[0-9a-f]{8})?$`)), buttonKey: "assignment" });
    await say(supervisor, "立即更换防静电夹，卸油前检查接地");
    expect(await choose(supervisor, "15 天")).toContain(`隐患 ${number} 已交办`);
    expect(await driver.services.db.manager.findOneByOrFail(Hazard, { id: hazard.id })).toMatchObject({ state: "assigned", measures: "立即更换防静电夹，卸油前检查接地" });
  });
});
