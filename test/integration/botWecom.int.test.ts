import { setTimeout as sleep } from "node:timers/promises";
import { ManualClock } from "../../src/clock";
import { Enterprise, Hazard, Inspection, OrgUnit, Person } from "../../src/db/entities";
import type { Services } from "../../src/services";
import { cardClickXml, type FakeMessage, type FakeWecom, imageMessageXml, locationMessageXml, textMessageXml } from "../fakes/fakeWecom";
import { backend } from "../support/backend";
import { JPEG } from "../support/botHarness";
import { CORP, startWecomApp, type WecomApp } from "../support/wecomApp";
import { personByAccount } from "../support/accounts";

/**
 * 隐患随手拍 over WeChat Work as a member lives it: encrypted callbacks in (text, a photo the
 * app downloads with media/get, button clicks), cards and texts out through the fake's message/send.
 */
describe(`bot conversations over WeChat Work (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: WecomApp;
  let services: Services;
  let fake: FakeWecom;
  let seq = 0;

  beforeAll(async () => {
    app = await startWecomApp(clock);
    ({ services, fake } = app);
    await services.contactSync!.syncAll();
    await services.db.manager.update(Person, { id: (await personByAccount(services.db.manager, "wecom", "ZhangWei")).id }, { roles: ["inspector"] });
  });
  afterAll(() => app.close());

  const to = (userid: string) => fake.messages.filter((m) => m.delivered.includes(userid));
  const words = (m: FakeMessage) => {
    const card = m.body.template_card as { main_title: { title: string }; sub_title_text?: string } | undefined;
    if (card) return `${card.main_title.title}\n${card.sub_title_text ?? ""}`;
    return m.msgtype === "text" ? (m.body.text as { content: string }).content : `[${m.msgtype}]`;
  };
  /** Everything a turn sent the member, in whatever order the outbox delivered it. */
  const said = (messages: FakeMessage[]) => messages.map(words).join("\n");

  /** Delivers a callback from `member` and waits until the bot's answer has gone out through the outbox. */
  async function send(xml: string, member = "ZhangWei"): Promise<FakeMessage[]> {
    const before = to(member).length;
    const answer = await fake.deliverCallback(app.url, xml);
    expect(answer.status).toBe(200);
    for (let i = 0; i < 100 && to(member).length === before; i++) {
      await services.outboxWorker.drainOnce(clock.now());
      await sleep(20);
    }
    // What arrived first may be a notice the turn's domain call queued before the reply (the
    // reporter is also a supervisor): let the turn end, then send what it left.
    await services.inbox.drain();
    await services.outboxWorker.drainOnce(clock.now());
    // Past the fake's per-member limit window, so a long conversation is never throttled.
    clock.advance(5_000);
    return to(member).slice(before);
  }

  const text = (content: string, member = "ZhangWei") => send(textMessageXml({ ...fake.stamp(), from: member, content, msgId: `88${++seq}` }), member);
  const photo = (member = "ZhangWei") => {
    const mediaId = fake.addMedia({ bytes: JPEG, contentType: "image/jpeg", filename: "photo.jpg" });
    return send(imageMessageXml({ ...fake.stamp(), from: member, mediaId, msgId: `88${++seq}` }), member);
  };
  const click = (label: string, member = "ZhangWei") => {
    const card = to(member).filter((m) => m.taskId).at(-1)!;
    const buttons = (card.body.template_card as { button_list: { text: string; key: string }[] }).button_list;
    const key = buttons.find((b) => b.text === label)!.key;
    return send(cardClickXml({ ...fake.stamp(), from: member, taskId: card.taskId!, key, responseCode: card.responseCode! }), member);
  };

  it("reports a hazard with a photo downloaded from WeChat Work", async () => {
    const menu = await text("随手拍");
    expect(said(menu)).toContain("请拍摄或发送隐患照片");
    expect(menu[0]!.msgtype).toBe("template_card");

    const mediaId = fake.addMedia({ bytes: JPEG, contentType: "image/jpeg", filename: "hazard.jpg" });
    const photo = await send(imageMessageXml({ ...fake.stamp(), from: "ZhangWei", mediaId, msgId: `88${++seq}` }));
    expect(said(photo)).toContain("已收到 1 张照片");

    expect(said(await click("照片已发完"))).toContain("请描述隐患情况");
    expect(said(await text("桥头配电箱门损坏，电线裸露"))).toContain("隐患在哪里");
    expect(said(await text("青禾桥东侧配电箱"))).toContain("请选择隐患类别");
    await click("用电安全");
    const done = await click("一般隐患");
    expect(said(done)).toMatch(/隐患已上报：YH-\d{4}-\d{6}/);

    const hazard = await services.db.manager.findOneByOrFail(Hazard, { category: "用电安全" });
    expect(hazard).toMatchObject({ source: "chat_photo", level: "general", locationText: "青禾桥东侧配电箱", description: "桥头配电箱门损坏，电线裸露" });
    // The photo is ours now: stored under our own key, not WeChat Work's media id.
    const photos = await services.db.manager.query("SELECT storage_key FROM hazard_photos WHERE hazard_id = ?", [hazard.id]);
    expect(photos).toHaveLength(1);
    expect(fake.calls("media/get")).toHaveLength(1);
  });

  it("greys out a question's card the moment it has passed without a click: a choice typed, 取消, a timeout", async () => {
    // What update_template_card set on a card's buttons (each used its send-time response_code once).
    const greyedOut = (card: FakeMessage) => card.updates.map((u) => (u.button as { replace_name: string }).replace_name);
    const lastCard = () => to("ZhangWei").filter((m) => m.taskId).at(-1)!;

    await text("随手拍");
    await photo();
    const photosCard = lastCard();
    expect(said(await text("照片已发完"))).toContain("请描述隐患情况");
    expect(greyedOut(photosCard)).toEqual(["已选：照片已发完"]);
    await text("取消");

    await text("随手拍");
    await photo();
    const cancelled = lastCard();
    expect(said(await text("取消"))).toContain("已退出");
    expect(greyedOut(cancelled)).toEqual(["已取消"]);

    await text("随手拍");
    await photo();
    const left = lastCard();
    clock.advance(31 * 60_000);
    await text("帮助");
    expect(greyedOut(left)).toEqual(["已超时"]);
    // Once only: the code is single-use, and a later message finds nothing more to grey out.
    await text("取消");
    expect(greyedOut(left)).toEqual(["已超时"]);
    expect(fake.calls("message/update_template_card").filter((c) => c.errcode !== 0)).toEqual([]);
  });

  it("asks again with a fresh card after a file that is not a photo, said in plain words", async () => {
    await text("取消");
    await text("随手拍");
    await photo();
    const shown = to("ZhangWei").filter((m) => m.taskId).at(-1)!;
    const mediaId = fake.addMedia({ bytes: Buffer.from("不是照片"), contentType: "text/plain", filename: "说明.txt" });
    const again = await send(imageMessageXml({ ...fake.stamp(), from: "ZhangWei", mediaId, msgId: `88${++seq}` }));
    expect(said(again)).toContain("这不是照片");
    expect(said(again)).not.toContain("text/plain");
    // WeChat Work refuses a task_id it has seen: the question comes back as a new card, the old one greyed out.
    const fresh = again.filter((m) => m.taskId);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.taskId).not.toBe(shown.taskId);
    expect(shown.updates.map((u) => (u.button as { replace_name: string }).replace_name)).toEqual(["已回复"]);
    expect(fake.calls("message/send").filter((c) => c.errcode !== 0)).toEqual([]);
    await text("取消");
  });

  it("checks in at an enterprise found by location, reports what was found, and sees it rectified and verified", async () => {
    const { manager } = services.db;
    await manager.update(Person, { id: (await personByAccount(manager, "wecom", "WangQiang")).id }, { roles: ["enterprise_owner"] });
    const owner = await personByAccount(manager, "wecom", "WangQiang");
    const zhang = await personByAccount(manager, "wecom", "ZhangWei");
    const unit = await manager.findOneByOrFail(OrgUnit, { id: zhang.unitId });
    const enterprise = await manager.save(
      manager.create(Enterprise, {
        creditCode: "91330100MA2H00001X",
        name: "青禾五金厂",
        industry: "industry_trade",
        scale: "small",
        riskLevel: "yellow",
        address: null,
        latitude: 30.2741,
        longitude: 120.1551,
        supervisingUnitId: unit.id,
        adminOwnerId: null,
        supervisorOwnerId: zhang.id,
        enterpriseOwnerId: owner.id,
        active: true,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      }),
    );

    await text("巡查打卡");
    // About 110 m north of the enterprise's door.
    const near = await send(locationMessageXml({ ...fake.stamp(), from: "ZhangWei", latitude: 30.2751, longitude: 120.1551, label: "青禾路 8 号", msgId: `88${++seq}` }));
    expect(said(near)).toContain("青禾五金厂（约 111 米）");
    await text("1");
    await click("专项检查");
    await click("发现隐患");
    await photo();
    await click("照片已发完");
    // The note ends the check-in; the hazard flow goes on with the enterprise and the photo in hand.
    const handedOver = said(await text("配电房专项检查：车间配电柜未上锁"));
    expect(handedOver).toContain("备注：配电房专项检查：车间配电柜未上锁");
    // The photo and the remark carry over to the report, shown to confirm instead of asked again.
    expect(handedOver).toContain("照片：1 张\n情况：配电房专项检查：车间配电柜未上锁");
    expect(said(await click("确认"))).toContain("请选择隐患类别");
    await click("用电安全");
    const reported = await click("一般隐患");
    const number = /隐患已上报：(YH-\d{4}-\d{6})/.exec(said(reported))?.[1];
    expect(number).toBeDefined();

    const hazard = await manager.findOneByOrFail(Hazard, { number: number! });
    expect(hazard).toMatchObject({ source: "inspection", enterpriseId: enterprise.id, ownerId: owner.id });
    const inspection = await manager.findOneByOrFail(Inspection, { enterpriseId: enterprise.id });
    expect(inspection).toMatchObject({ kind: "special", result: "hazard_found", hazardId: hazard.id, farFromSite: false });
    expect(inspection.distanceMetres).toBeGreaterThan(100);

    await services.hazards.assign(hazard.id, zhang, { measures: "配电柜加锁，张贴警示", deadline: new Date(clock.now().getTime() + 3 * 86400_000), verifierId: zhang.id });
    await text("整改反馈", "WangQiang");
    await photo("WangQiang");
    await click("照片已发完", "WangQiang");
    expect(said(await text("已加锁并张贴警示标识", "WangQiang"))).toContain("整改反馈已提交");

    const review = await text("复查");
    expect(review.filter((m) => m.msgtype === "image")).toHaveLength(2); // before and after, as pictures
    expect(said(await click("复查通过"))).toContain("复查通过");
    expect((await manager.findOneByOrFail(Hazard, { id: hazard.id })).state).toBe("verified");
  });
});
