import { HazardPhoto, OrgUnit } from "../../src/db/entities";
import { backend } from "../support/backend";
import { JPEG } from "../support/botHarness";
import { type AdminApp, type AdminClient, json, startAdminApp } from "../support/adminApp";
import { tinyPng } from "../support/consoleApp";

jest.setTimeout(90_000);

/** Photos uploaded from the console to a hazard: 整改前 any time, 整改后 once rectification started; bytes decide what a photo is. */
describe(`hazard photos uploaded from the console (${backend()})`, () => {
  let app: AdminApp;
  let inspector: AdminClient;
  let hazardId: number;

  beforeAll(async () => {
    app = await startAdminApp("2026-11-26T02:00:00Z");
    inspector = await app.signIn("张伟");
    const unit = await app.services.db.manager.findOneByOrFail(OrgUnit, { code: "QH-DL-01" });
    const res = await inspector.call("POST", "/api/hazards", { source: "inspection", place: { locationText: "村口", unitId: unit.id }, category: "消防", level: "general", description: "灭火器过期" });
    hazardId = (await json(res)).data.id;
  });
  afterAll(async () => app?.close());

  /** A multipart upload as a browser's form sends it, with the session cookie and CSRF header. */
  const upload = (client: AdminClient, stage: string, files: { bytes: Buffer; name: string; type: string }[]) => {
    const form = new FormData();
    form.set("stage", stage);
    for (const f of files) form.append("photos", new Blob([f.bytes], { type: f.type }), f.name);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const csrf = client.cookies.get("anshao_csrf");
    return fetch(`${app.url}/api/hazards/${hazardId}/photos`, { method: "POST", body: form, headers: { cookie, ...(csrf ? { "x-csrf-token": csrf } : {}) } });
  };

  it("adds 整改前 photos, stored by what the bytes are, shown in the detail and its timeline", async () => {
    // A PNG called .jpg is kept as the PNG it is.
    const res = await upload(inspector, "before", [{ bytes: JPEG, name: "现场.jpg", type: "image/jpeg" }, { bytes: tinyPng(), name: "截图.jpg", type: "image/jpeg" }]);
    expect(res.status).toBe(201);
    expect((await json(res)).data).toEqual({ stage: "before", added: 2 });
    const detail = (await json(await inspector.call("GET", `/api/hazards/${hazardId}`))).data;
    expect(detail.photos.before).toHaveLength(2);
    expect(detail.photos.before[1].storageKey).toMatch(/\.png$/);
    const served = await inspector.call("GET", detail.photos.before[1].url);
    expect(served.headers.get("content-type")).toBe("image/png");
    const line = detail.timeline.at(-1);
    expect(line).toMatchObject({ action: "photos", actionLabel: "补充照片", reason: "整改前照片 2 张", actor: { name: "张伟" } });
  });

  it("refuses what is not a photo, whatever it is called, and stores nothing", async () => {
    const before = await app.services.db.manager.countBy(HazardPhoto, { hazardId });
    const page = await upload(inspector, "before", [{ bytes: Buffer.from("<html><script>alert(1)</script></html>"), name: "photo.jpg", type: "image/jpeg" }]);
    expect(page.status).toBe(400);
    expect(await json(page)).toMatchObject({ code: "hazard_photo_not_image", message: "第 1 张不是照片（支持 jpg、png、webp、gif）" });
    const noStage = await upload(inspector, "during", [{ bytes: JPEG, name: "a.jpg", type: "image/jpeg" }]);
    expect(noStage.status).toBe(400);
    expect(await app.services.db.manager.countBy(HazardPhoto, { hazardId })).toBe(before);
  });

  it("takes 整改后 photos only once rectification has started", async () => {
    const early = await upload(inspector, "after", [{ bytes: JPEG, name: "after.jpg", type: "image/jpeg" }]);
    expect(early.status).toBe(409);
    expect((await json(early)).message).toBe("开始整改后才能上传整改后照片");
  });

  it("takes 即知即改 photos before the hazard is handed out, and the fix on the spot hands them in", async () => {
    const proof = await upload(inspector, "proof", [{ bytes: JPEG, name: "已整改.jpg", type: "image/jpeg" }]);
    expect(proof.status).toBe(201);
    const detail = (await json(await inspector.call("GET", `/api/hazards/${hazardId}`))).data;
    expect(detail.photos.proof).toHaveLength(1);
    const fixed = await inspector.call("POST", `/api/hazards/${hazardId}/fix-on-spot`, { note: "当场更换灭火器", photoKeys: detail.photos.proof.map((p: { storageKey: string }) => p.storageKey), version: detail.version });
    expect(fixed.status).toBe(200);
    const after = (await json(await inspector.call("GET", `/api/hazards/${hazardId}`))).data;
    expect(after.state.code).toBe("closed");
    // Handed in by key: still one photo, not two.
    expect(after.photos.proof).toHaveLength(1);
    const late = await upload(inspector, "proof", [{ bytes: JPEG, name: "晚了.jpg", type: "image/jpeg" }]);
    expect(late.status).toBe(409);
    expect((await json(late)).message).toBe("只有尚未交办的隐患才能上传即知即改照片");
  });

  it("refuses a caller without the CSRF header, one outside the scope, and anyone not signed in", async () => {
    const noCsrf = new FormData();
    noCsrf.set("stage", "before");
    noCsrf.append("photos", new Blob([JPEG], { type: "image/jpeg" }), "a.jpg");
    const cookie = [...inspector.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    expect((await fetch(`${app.url}/api/hazards/${hazardId}/photos`, { method: "POST", body: noCsrf, headers: { cookie } })).status).toBe(403);
    // 南川镇's staff: the hazard lies in 东岭镇.
    const otherTown = await upload(await app.signIn("彭飞"), "before", [{ bytes: JPEG, name: "a.jpg", type: "image/jpeg" }]);
    expect(otherTown.status).toBe(403);
    expect((await json(otherTown)).code).toBe("out_of_scope");
    expect((await upload(app.anonymous(), "before", [{ bytes: JPEG, name: "a.jpg", type: "image/jpeg" }])).status).toBe(401);
  });
});
