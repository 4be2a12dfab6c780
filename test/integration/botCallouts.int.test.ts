import { CalloutRecipient, Hazard } from "../../src/db/entities";
import { JPEG } from "../support/botHarness";
import { type CalloutHarness, draft, openCalloutHarness } from "../support/calloutHarness";
import { wecomId } from "../support/accounts";

/** A 叫应 arriving while someone is in a conversation: answers go to the callout, the rest to the flow. */
describe("叫应 answers and conversations side by side", () => {
  let h: CalloutHarness;

  beforeEach(async () => {
    h = await openCalloutHarness();
  });
  afterEach(() => h.close());

  async function calledRow(name: string): Promise<CalloutRecipient> {
    const p = await h.person(name);
    return h.stores.db.manager.findOneByOrFail(CalloutRecipient, { personId: p.id });
  }

  it("files 已落实 with the callout and a description with the hazard, in the same chat", async () => {
    const initiator = await h.person("李明");
    const cadre = await h.person("曾国平");
    const c = await h.callouts.create(initiator, draft({ rules: [], personIds: [cadre.id] }));
    await h.callouts.send(initiator, c.id);
    await h.drain();

    // 已落实 without the measures: the callout now waits for a report of them.
    await h.say(cadre, "随手拍");
    await h.say(cadre, "已落实");
    expect((await calledRow("曾国平")).awaitingReport).toBe(true);
    // The flow goes on where it was; its words are not taken for the callout's report.
    await h.bot.handle({ channel: "wecom", eventId: "photo-1", senderId: await wecomId(h.stores.db.manager, cadre), occurredAt: h.clock.now(), kind: "image", mediaId: (await h.botServices.media.save(JPEG, "image/jpeg")).key });
    await h.say(cadre, "完成");
    await h.say(cadre, "村口石桥桥面开裂，车辆仍在通行");
    expect((await calledRow("曾国平")).reportText).toBeNull();

    await h.say(cadre, "村口石桥");
    await h.say(cadre, "其他");
    await h.say(cadre, "2");
    const hazard = await h.stores.db.manager.findOneByOrFail(Hazard, { reporterId: cadre.id });
    expect(hazard.description).toBe("村口石桥桥面开裂，车辆仍在通行");
    expect(hazard.level).toBe("major");

    // Out of the conversation, free text is the measures report the callout asked for.
    await h.say(cadre, "已封闭石桥，转移群众 8 人");
    expect(await calledRow("曾国平")).toMatchObject({ state: "reported", reportText: "已封闭石桥，转移群众 8 人" });
  });
});
