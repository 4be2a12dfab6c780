import { Enterprise, OutboxDelivery, OutboxMessage, Person, PublicTip, PublicTipPhoto, Tip, TipPhoto } from "../../src/db/entities";
import { backend } from "../support/backend";
import { jpegTakenAt, PNG_HEAD, TINY_JPEG } from "../support/photos";
import { ALLOWED_ORIGIN, type PublicTipApp, startPublicTipApp, tipForm } from "../support/publicTipApp";

type Json = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const NAME = "范秋菊";
const PHONE = "13712345678";
const DESCRIPTION = "河滨路仓库夜间违规存放大量液化气钢瓶，无人看管";

describe(`public tip API (${backend()})`, () => {
  let app: PublicTipApp;
  let ipSeq = 0;
  /** Each test its own address, so one test's flood does not limit another. */
  let ip: string;

  beforeAll(async () => {
    app = await startPublicTipApp({ photoMaxBytes: 64 * 1024 });
  }, 60_000);
  afterAll(() => app.close());
  beforeEach(() => {
    ip = `10.9.0.${++ipSeq}`;
  });

  async function call(method: string, path: string, init: { body?: string | FormData; headers?: Record<string, string> } = {}): Promise<{ status: number; json: Json; headers: Headers }> {
    const res = await fetch(`${app.base}${path}`, { method, body: init.body, headers: { "x-forwarded-for": ip, ...init.headers } });
    const text = await res.text();
    app.responses.push(text);
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
  }
  const submit = (fields: Record<string, string>, photos: Buffer[] = [], headers: Record<string, string> = {}) => call("POST", "/api/public/tips", { body: tipForm(fields, photos), headers });
  const valid = (extra: Record<string, string> = {}) => ({ category: "hazardous_chemicals", description: DESCRIPTION, address: "青禾镇河滨路 18 号", anonymous: "true", ...extra });

  it("lists the active categories, and an administrator's edits show at once", async () => {
    const before = await call("GET", "/api/public/tip-categories");
    expect(before.status).toBe(200);
    expect(before.json.data.map((c: Json) => c.name)).toEqual(expect.arrayContaining(["重大事故隐患", "危险化学品", "其他"]));
    expect(Object.keys(before.json.data[0]).sort()).toEqual(["code", "hint", "name"]);

    const admin = { authorization: `Bearer ${await app.token("陈静")}`, "content-type": "application/json" };
    const renamed = await call("PUT", "/api/tip-categories/construction", { headers: admin, body: JSON.stringify({ name: "建筑施工安全", active: false }) });
    expect(renamed.status).toBe(200);
    const added = await call("PUT", "/api/tip-categories/gas_cylinders", { headers: admin, body: JSON.stringify({ name: "燃气钢瓶", hint: "餐馆违规使用液化气", sortOrder: 35 }) });
    expect(added.status).toBe(200);
    const names = (await call("GET", "/api/public/tip-categories")).json.data.map((c: Json) => c.name);
    expect(names).not.toContain("建筑施工");
    expect(names).not.toContain("建筑施工安全");
    expect(names.indexOf("燃气钢瓶")).toBe(names.indexOf("危险化学品") + 1);

    // Only an administrator edits them.
    const officer = { authorization: `Bearer ${await app.token("刘洋")}`, "content-type": "application/json" };
    expect((await call("PUT", "/api/tip-categories/other", { headers: officer, body: JSON.stringify({ name: "别的" }) })).status).toBe(403);
    // A tip filed under a deactivated category is refused, said at the field.
    const refused = await submit(valid({ category: "construction" }));
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe("tip_category_invalid");
  });

  it("files a named tip with photos: code and token once, the identity sealed, EXIF kept for staff only", async () => {
    const photo = jpegTakenAt(31.4821, 104.6177);
    const res = await submit(valid({ anonymous: "false", name: NAME, phone: PHONE }), [photo, TINY_JPEG]);
    expect(res.status).toBe(201);
    const { code, token } = res.json.data;
    expect(code).toMatch(/^JB[34679ACDEFGHJKMNPQRTUVWXY]{6}$/);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(res.headers.get("cache-control")).toBe("no-store");

    const pub = await app.stores.db.manager.findOneByOrFail(PublicTip, { trackingCode: code });
    const tip = await app.stores.db.manager.findOneByOrFail(Tip, { id: pub.tipId });
    expect(tip).toMatchObject({ source: "public", channel: "form", state: "received", locationText: "青禾镇河滨路 18 号" });
    expect(tip.content).toBe(`【危险化学品】${DESCRIPTION}`);
    expect(tip.reporterSealed).not.toBeNull();
    expect(JSON.stringify(tip)).not.toContain(NAME);
    expect(JSON.stringify(pub)).not.toContain(token);
    // The audited reveal opens the identity for the tip officer.
    const revealed = await app.tips.revealReporter(tip.id, await app.person("刘洋"), { reason: "核实举报情况需联系举报人" });
    expect(revealed.identity).toMatchObject({ name: NAME, mobile: PHONE, personId: null });

    const photos = await app.stores.db.manager.findBy(TipPhoto, { tipId: tip.id });
    expect(photos).toHaveLength(2);
    const located = await app.stores.db.manager.findOneByOrFail(PublicTipPhoto, { storageKey: photos[0].storageKey });
    expect(located.latitude).toBeCloseTo(31.4821, 3);
    expect(located.longitude).toBeCloseTo(104.6177, 3);
    // Staff see where the photo was taken; nothing public carries a photo at all.
    const staffView = await call("GET", `/api/tips/${tip.id}`, { headers: { authorization: `Bearer ${await app.token("刘洋")}` } });
    expect(staffView.json.data.photos[0].takenAt.latitude).toBeCloseTo(31.4821, 3);
    expect(staffView.json.data.photos[1].takenAt).toBeNull();

    const status = await call("GET", `/api/public/tips/${code}?token=${encodeURIComponent(token)}`);
    expect(status.status).toBe(200);
    expect(status.json.data).toMatchObject({ code, status: "received", statusLabel: "已收到，等待受理", feedback: null, reward: null });
    expect(Object.keys(status.json.data).sort()).toEqual(["acceptedAt", "closedAt", "code", "feedback", "feedbackAt", "reportedAt", "reward", "status", "statusLabel"]);
    // Lower-case codes, as people type them, are found too.
    expect((await call("GET", `/api/public/tips/${code.toLowerCase()}?token=${encodeURIComponent(token)}`)).status).toBe(200);
  });

  it("answers a wrong token and an unknown code with the same 404", async () => {
    const { code, token } = (await submit(valid())).json.data;
    const wrong = await call("GET", `/api/public/tips/${code}?token=${token.slice(0, -2)}xx`);
    const missing = await call("GET", `/api/public/tips/JB333333?token=${token}`);
    const none = await call("GET", `/api/public/tips/${code}`);
    const garbage = await call("GET", `/api/public/tips/${encodeURIComponent("../../etc")}?token=${token}`);
    for (const r of [wrong, missing, none, garbage]) {
      expect(r.status).toBe(404);
      expect({ ...r.json, requestId: undefined }).toEqual({ code: "public_tip_not_found", message: "找不到该举报（请核对查询码和密钥）" });
    }
  });

  it("stores a photo sent twice once, across tips", async () => {
    const photo = jpegTakenAt(31.4, 104.5);
    const filesBefore = app.mediaFiles().length;
    const rowsBefore = await app.stores.db.manager.count(PublicTipPhoto);
    const first = await submit(valid(), [photo, photo]);
    const second = await submit(valid(), [photo]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(app.mediaFiles().length).toBe(filesBefore + 1);
    expect(await app.stores.db.manager.count(PublicTipPhoto)).toBe(rowsBefore + 1);
    const tipOf = async (code: string) => (await app.stores.db.manager.findOneByOrFail(PublicTip, { trackingCode: code })).tipId;
    const keys = async (code: string) => (await app.stores.db.manager.findBy(TipPhoto, { tipId: await tipOf(code) })).map((p) => p.storageKey);
    expect(await keys(first.json.data.code)).toHaveLength(1);
    expect(await keys(second.json.data.code)).toEqual(await keys(first.json.data.code));
  });

  it("checks photos by their content and size, and the form's fields, storing nothing refused", async () => {
    // Many refusals in a row: each from its own address, so the flood limit stays out of it.
    let n = 0;
    const submit = (fields: Record<string, string>, photos: Buffer[] = []) => {
      ip = `10.7.${ipSeq}.${++n}`;
      return call("POST", "/api/public/tips", { body: tipForm(fields, photos) });
    };
    const tipsBefore = await app.stores.db.manager.count(Tip);
    const filesBefore = app.mediaFiles().length;
    const html = Buffer.from("<html><script>alert(1)</script></html>");
    const disguised = await call("POST", "/api/public/tips", { body: tipForm(valid(), [html], "photo.jpg") });
    expect(disguised.status).toBe(400);
    expect(disguised.json).toMatchObject({ code: "tip_photo_not_image", message: "第 1 张不是照片（支持 jpg、png、webp、gif）" });
    // A PNG labelled as a JPEG is a photo all the same: the bytes decide.
    expect((await submit(valid(), [Buffer.concat([PNG_HEAD, Buffer.alloc(100)])])).status).toBe(201);

    const big = Buffer.concat([TINY_JPEG, Buffer.alloc(65 * 1024)]);
    const oversized = await submit(valid(), [big]);
    expect(oversized.status).toBe(413);
    expect(oversized.json.code).toBe("tip_photo_too_large");
    const tooMany = await submit(valid(), Array.from({ length: 10 }, (_, i) => jpegTakenAt(30 + i / 100, 104)));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.code).toBe("tip_photos_too_many");
    const hugeBody = await call("POST", "/api/public/tips", { body: tipForm(valid(), Array.from({ length: 9 }, () => Buffer.concat([TINY_JPEG, Buffer.alloc(300 * 1024)]))) });
    expect(hugeBody.status).toBe(413);

    for (const [fields, code] of [
      [valid({ description: "有隐患" }), "tip_content_too_short"],
      [valid({ category: "nope" }), "tip_category_invalid"],
      [valid({ lat: "31.4" }), "tip_location_invalid"],
      [valid({ lat: "北纬", lng: "104" }), "tip_location_invalid"],
      [valid({ anonymous: "false" }), "tip_identity_missing"],
      [valid({ anonymous: "false", phone: "12345" }), "tip_phone_invalid"],
    ] as const) {
      const r = await submit(fields);
      expect([r.status, r.json.code]).toEqual([400, code]);
      expect(r.json.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const json = await call("POST", "/api/public/tips", { body: JSON.stringify(valid()), headers: { "content-type": "application/json" } });
    expect([json.status, json.json.code]).toEqual([400, "multipart_required"]);
    const broken = await call("POST", "/api/public/tips", { body: "--x\r\nnonsense", headers: { "content-type": "multipart/form-data; boundary=x" } });
    expect([broken.status, broken.json.code]).toEqual([400, "multipart_invalid"]);

    expect(await app.stores.db.manager.count(Tip)).toBe(tipsBefore + 1);
    expect(app.mediaFiles().length).toBe(filesBefore + 1);
  });

  it("refuses a flood from one address, and from one device across addresses, with a Chinese 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await submit({})).status);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    const flooded = await submit(valid());
    expect(flooded.status).toBe(429);
    expect({ ...flooded.json, requestId: undefined }).toEqual({ code: "rate_limited", message: "操作过于频繁，请 60 分钟后再试。情况紧急请拨打 12350 举报热线。" });
    expect(Number(flooded.headers.get("retry-after"))).toBeGreaterThan(0);

    const device = { "x-device-id": "dev-abcdef123456" };
    const byDevice: number[] = [];
    for (let i = 0; i < 6; i++) {
      ip = `10.8.${ipSeq}.${i}`;
      byDevice.push((await submit({}, [], device)).status);
    }
    expect(byDevice).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it("answers CORS only for the configured origins", async () => {
    const pre = await call("OPTIONS", "/api/public/tips", { headers: { origin: ALLOWED_ORIGIN, "access-control-request-method": "POST" } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(pre.headers.get("access-control-allow-headers")).toContain("X-Device-Id");
    const other = await call("OPTIONS", "/api/public/tips", { headers: { origin: "https://evil.example.com", "access-control-request-method": "POST" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const get = await call("GET", "/api/public/tip-categories", { headers: { origin: ALLOWED_ORIGIN } });
    expect(get.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
  });

  it("routes a tip to the tip officers of the unit where the place is", async () => {
    const m = app.stores.db.manager;
    const enterprise = await m.createQueryBuilder(Enterprise, "e").where("e.latitude IS NOT NULL").orderBy("e.id").getOneOrFail();
    const townOfficer = await app.person("高鹏");
    await m.update(Person, { id: townOfficer.id }, { unitId: enterprise.supervisingUnitId, roles: ["inspector", "tip_officer"] });
    try {
      const near = await submit(valid({ lat: String((enterprise.latitude as number) + 0.001), lng: String(enterprise.longitude) }));
      const far = await submit(valid());
      const notified = async (code: string) => {
        const tipId = (await m.findOneByOrFail(PublicTip, { trackingCode: code })).tipId;
        const message = await m.findOneByOrFail(OutboxMessage, { source: `tip:${tipId}` });
        return (await m.findBy(OutboxDelivery, { messageId: message.id })).map((d) => d.personId).sort();
      };
      expect(await notified(near.json.data.code)).toEqual([townOfficer.id]);
      expect((await m.findOneByOrFail(PublicTip, { trackingCode: near.json.data.code })).unitId).toBe(enterprise.supervisingUnitId);
      // A place that names no unit reaches every tip officer.
      expect(await notified(far.json.data.code)).toEqual([townOfficer.id, (await app.person("刘洋")).id].sort());
    } finally {
      await m.update(Person, { id: townOfficer.id }, { unitId: townOfficer.unitId, roles: townOfficer.roles });
    }
  });

  it("never names the tipster in a log line or an answer", async () => {
    const res = await submit(valid({ anonymous: "false", name: NAME, phone: PHONE }), [jpegTakenAt(31.2, 104.1)]);
    expect(res.status).toBe(201);
    await call("GET", `/api/public/tips/${res.json.data.code}?token=${res.json.data.token}`);
    const lines = app.logs.filter((l) => l.includes(NAME) || l.includes(PHONE));
    expect(app.logs.length).toBeGreaterThan(0);
    expect(lines).toEqual([]);
    expect(app.responses.filter((r) => r.includes(NAME) || r.includes(PHONE))).toEqual([]);
    // The request lines name the routes, never a code or a token.
    expect(app.logs.some((l) => l.includes('"route":"/api/public/tips/:code"'))).toBe(true);
    expect(app.logs.filter((l) => l.includes(res.json.data.token))).toEqual([]);
  });
});
