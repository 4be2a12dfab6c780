import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { Enterprise, Inspection, Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { InspectionService } from "../../src/domain/inspections";
import { OutboxService } from "../../src/domain/outbox";
import { TipKeys, TipService } from "../../src/domain/tips";
import { inspectionRoutes } from "../../src/http/routes/inspections";
import { createLogger } from "../../src/log";
import { LocalMediaStore } from "../../src/media/localMediaStore";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { JPEG } from "../support/botHarness";

describe(`POST /api/inspections refuses photos that are not the caller's (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let server: Server;
  let base: string;
  let media: LocalMediaStore;
  let tips: TipService;
  const tokens = new Map<string, string>();
  let market: Enterprise;

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    market = await stores.db.manager.findOneByOrFail(Enterprise, { name: "东岭农贸市场" });
    for (const name of ["唐亮", "韩雪"]) {
      const person = await stores.db.manager.findOneByOrFail(Person, { name });
      tokens.set(name, (await issueApiToken(stores.db, clock, person.mobile, "测试")).token);
    }
    media = new LocalMediaStore({ dir: mkdtempSync(join(tmpdir(), "anshao-inspection-photos-")), maxBytes: 10 << 20 });
    tips = new TipService({ db: stores.db, outbox: new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" }), clock, keys: TipKeys.ephemeral(), channels: ["wecom"] });
    const inspections = new InspectionService({ db: stores.db, clock, media, config: { farMetres: 500 } });
    const app = createApp({ config: stores.config, log: createLogger({ level: "silent" }), db: stores.db, kv: stores.kv, routers: [inspectionRoutes({ db: stores.db, clock, inspections })] });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stores.close();
  });

  const checkIn = async (as: string, photoKeys: string[]) => {
    const res = await fetch(`${base}/api/inspections`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.get(as)}` },
      body: JSON.stringify({ enterpriseId: market.id, kind: "routine", result: "no_problem", photoKeys }),
    });
    return { status: res.status, json: (await res.json()) as { code?: string; message?: string } };
  };

  it("takes a photo that is stored and nobody else's, and refuses one that was never stored", async () => {
    const mine = (await media.save(JPEG, "image/jpeg")).key;
    expect((await checkIn("唐亮", [mine])).status).toBe(201);
    const before = await stores.db.manager.count(Inspection);
    const missing = await checkIn("唐亮", [mine, "20261126-0123456789abcdef0123456789abcdef.jpg"]);
    expect(missing).toEqual({ status: 400, json: expect.objectContaining({ code: "inspection_photo_unknown", message: expect.stringContaining("照片不存在") }) });
    expect(await stores.db.manager.count(Inspection)).toBe(before);
  });

  it("refuses another inspector's check-in photo and any tip's photo", async () => {
    const hers = (await media.save(JPEG, "image/jpeg")).key;
    expect((await checkIn("韩雪", [hers])).status).toBe(201);
    const before = await stores.db.manager.count(Inspection);
    expect(await checkIn("唐亮", [hers])).toEqual({ status: 400, json: expect.objectContaining({ code: "inspection_photo_not_yours", message: expect.stringContaining("不是您本人") }) });

    const tipPhoto = (await media.save(JPEG, "image/jpeg")).key;
    await tips.report(await stores.db.manager.findOneByOrFail(Person, { name: "唐亮" }), { content: "仓库里违规动火切割，没有灭火器", photoKeys: [tipPhoto] });
    expect((await checkIn("唐亮", [tipPhoto])).json.code).toBe("inspection_photo_not_yours");
    expect(await stores.db.manager.count(Inspection)).toBe(before);
  });
});
