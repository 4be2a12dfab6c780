import { Hazard, HazardPhoto, PublicTip } from "../../src/db/entities";
import { backend } from "../support/backend";
import { jpegTakenAt } from "../support/photos";
import { type PublicTipApp, startPublicTipApp, tipForm } from "../support/publicTipApp";

type Json = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe(`a substantiated tip becomes a hazard in one action (${backend()})`, () => {
  let app: PublicTipApp;

  beforeAll(async () => {
    app = await startPublicTipApp();
  }, 60_000);
  afterAll(() => app.close());

  async function call(as: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${app.base}${path}`, { method, headers: { authorization: `Bearer ${await app.token(as)}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Json };
  }

  it("carries the place, words and photos over, links both ways, and answers the same hazard again", async () => {
    const filed = await fetch(`${app.base}/api/public/tips`, { method: "POST", body: tipForm({ category: "fire_safety", description: "农贸市场二楼消防通道被杂物堵死", address: "青禾镇农贸市场二楼", anonymous: "false", name: "杨丽华", phone: "13522223333" }, [jpegTakenAt(31.45, 104.61)]), headers: { "x-forwarded-for": "10.66.0.1" } });
    const { code } = ((await filed.json()) as Json).data;
    const tipId = (await app.stores.db.manager.findOneByOrFail(PublicTip, { trackingCode: code })).tipId;

    // Not before it is found true.
    expect((await call("刘洋", "POST", `/api/tips/${tipId}/hazard`, { level: "general", category: "消防通道堵塞" })).json.code).toBe("tip_not_substantiated");
    await app.tips.accept(tipId, await app.person("刘洋"));
    await app.tips.close(tipId, await app.person("刘洋"), { result: "substantiated", note: "现场确认通道堵塞" });
    // 张伟 neither handles nor receives tips: to him the tip does not exist.
    expect((await call("张伟", "POST", `/api/tips/${tipId}/hazard`, { level: "general", category: "消防通道堵塞" })).status).toBe(404);
    expect((await call("刘洋", "POST", `/api/tips/${tipId}/hazard`, { level: "severe", category: "" })).status).toBe(400);

    const made = await call("刘洋", "POST", `/api/tips/${tipId}/hazard`, { level: "general", category: "消防通道堵塞" });
    expect(made.status).toBe(201);
    const hazard = await app.stores.db.manager.findOneByOrFail(Hazard, { id: made.json.data.hazard.id });
    expect(hazard).toMatchObject({ source: "tip", level: "general", category: "消防通道堵塞" });
    expect(hazard.description).toContain("农贸市场二楼消防通道被杂物堵死");
    expect(JSON.stringify(hazard)).not.toContain("杨丽华");
    expect(await app.stores.db.manager.countBy(HazardPhoto, { hazardId: hazard.id })).toBe(1);

    const again = await call("刘洋", "POST", `/api/tips/${tipId}/hazard`, { level: "general", category: "消防通道堵塞" });
    expect([again.status, again.json.data.hazard.id]).toEqual([200, hazard.id]);
    expect(await app.stores.db.manager.count(Hazard)).toBe(1);

    // Both ways: the hazard names the tip it came from, the tip's timeline the hazard.
    expect((await call("刘洋", "GET", `/api/tips/by-hazard/${hazard.id}`)).json.data).toEqual({ hazardId: hazard.id, tipId });
    const detail = await call("刘洋", "GET", `/api/tips/${tipId}`);
    expect(detail.json.data.timeline.map((l: Json) => l.actionLabel)).toContain("转为隐患");
  });
});
