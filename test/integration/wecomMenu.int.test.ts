import { appMenu } from "../../bots/appMenu";
import { flows as FLOWS } from "../../src/features";
import { WecomApi } from "../../src/channels/wecom/api";
import { createAppMenu } from "../../src/channels/wecom/menu";
import { FakeWecom } from "../fakes/fakeWecom";
import { backend, openTestStores, type TestStores } from "../support/backend";

describe(`WeChat Work app menu (${backend()})`, () => {
  let stores: TestStores;
  let fake: FakeWecom;
  let api: WecomApi;

  beforeAll(async () => {
    stores = await openTestStores();
    fake = new FakeWecom({ corpId: `ww${Math.random().toString(16).slice(2, 14)}`, secret: "s3cret" });
    await fake.start();
    api = new WecomApi({ corpId: fake.config.corpId, agentId: fake.config.agentId, secret: "s3cret", apiBase: fake.url, kv: stores.kv, timeoutMs: 2000 });
  });
  afterAll(async () => {
    await fake.stop();
    await stores.close();
  });

  it("puts the bot's flows in the app menu, within the platform's limits", async () => {
    await createAppMenu(api, appMenu(FLOWS));
    const menu = fake.state.menu as { name: string; key?: string; sub_button?: { name: string; key: string }[] }[];
    expect(menu).toHaveLength(3);
    expect(menu[0]).toEqual({ type: "click", name: FLOWS[0]!.label, key: `flow:${FLOWS[0]!.name}` });
    expect(menu[2]!.name).toBe("更多");
    const keys = menu.flatMap((m) => (m.sub_button ? m.sub_button.map((s) => s.key) : [m.key]));
    // Every flow the menu names exists, and the menu reaches as many as it can hold.
    for (const key of keys.filter((k) => k !== "menu")) expect(FLOWS.map((f) => `flow:${f.name}`)).toContain(key);
    expect(keys.length).toBe(Math.min(FLOWS.length + 1, 7));
  });

  it("refuses a menu entry the platform would refuse, naming it, before calling", async () => {
    const before = fake.calls("menu/create").length;
    await expect(createAppMenu(api, [{ name: "安全生产隐患随手拍上报", key: "flow:x" }])).rejects.toThrow("菜单「安全生产隐患随手拍上报」过长");
    await expect(createAppMenu(api, [{ name: "更多", sub: [] }])).rejects.toThrow("须有 1～5 个二级菜单");
    expect(fake.calls("menu/create")).toHaveLength(before);
  });
});
