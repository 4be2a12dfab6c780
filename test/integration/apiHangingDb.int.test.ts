import { createConnection } from "mysql2/promise";
import { Hazard, OrgUnit } from "../../src/db/entities";
import { In } from "typeorm";
import { backend } from "../support/backend";
import { JPEG } from "../support/botHarness";
import { type AdminApp, json, startAdminApp } from "../support/adminApp";

jest.setTimeout(120_000);

/**
 * The admin API while the database hangs — neither answering nor refusing: a table lock held by
 * another connection on MariaDB, a transaction that does not end on SQLite's one connection.
 * Requests are answered 503 in Chinese instead of waiting with it, the pile of waiting requests
 * stays bounded, and once the database moves again the API answers as before.
 */
describe(`admin API when the database hangs (${backend()})`, () => {
  let app: AdminApp;
  let token: string;
  let unitId: number;
  const MAX_IN_FLIGHT = 4;

  beforeAll(async () => {
    app = await startAdminApp(undefined, { API_TIMEOUT_MS: "1000", API_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) });
    token = await app.token("张伟");
    unitId = (await app.services.db.manager.findOneByOrFail(OrgUnit, { code: "QH-NC" })).id;
  });
  afterAll(async () => app?.close());

  const call = (method: string, path: string, body?: unknown) => app.anonymous().call(method, path, body, { authorization: `Bearer ${token}` });
  const report = (description: string) => call("POST", "/api/hazards", { source: "inspection", place: { locationText: "南川镇仓库", unitId }, category: "消防", level: "general", description });

  /** Makes the hazards table hang until the returned function is called. */
  async function hangHazards(): Promise<() => Promise<void>> {
    if (backend() === "mysql") {
      const url = (app.services.db.dataSource.options as { url: string }).url;
      const other = await createConnection({ uri: url });
      await other.query("LOCK TABLES hazards WRITE");
      return async () => {
        await other.query("UNLOCK TABLES");
        await other.end();
      };
    }
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // SQLite's one connection: every transaction after this one waits for it to end.
    const open = app.services.db.transaction(() => held);
    return async () => {
      release();
      await open;
    };
  }

  it("answers 503 with a Chinese message instead of hanging, refuses more at once, and recovers", async () => {
    expect((await call("GET", "/api/hazards")).status).toBe(200);
    const release = await hangHazards();
    let released = false;
    try {
      // As many as the limit: each waits for the database up to the bound, then is told so.
      const descriptions = Array.from({ length: MAX_IN_FLIGHT }, (_, i) => `数据库卡住时上报的隐患 ${i + 1}`);
      const answers = await Promise.all(descriptions.map(report));
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(await json(res)).toMatchObject({ code: "api_timeout", message: expect.stringContaining("数据库在 1 秒内未响应，请稍后重试") });
      }

      // Those are still waiting on the database: the next request is refused without joining them.
      const busy = await call("GET", "/api/hazards");
      expect(busy.status).toBe(503);
      expect(await json(busy)).toMatchObject({ code: "api_busy", message: expect.stringContaining("系统繁忙") });

      await release();
      released = true;
      // The waiting requests finish once the database moves, and the API serves again.
      let after: Response | undefined;
      for (let i = 0; i < 100; i++) {
        after = await call("GET", "/api/hazards");
        if (after.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(after?.status).toBe(200);
      // What the timed-out reports asked for was done after all, once each (the 503 said to check).
      const saved = () => app.services.db.manager.countBy(Hazard, { description: In(descriptions) });
      for (let i = 0; i < 100 && (await saved()) < descriptions.length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await saved()).toBe(descriptions.length);
      expect((await report("数据库恢复后上报的隐患")).status).toBe(201);
    } finally {
      if (!released) await release();
    }
  });

  it("does not time an upload out: the photos are taken once the database moves, not refused while they arrive", async () => {
    const hazardId = (await json(await report("上传照片时数据库卡住的隐患"))).data.id as number;
    const form = new FormData();
    form.set("stage", "before");
    form.append("photos", new Blob([JPEG], { type: "image/jpeg" }), "现场.jpg");
    const release = await hangHazards();
    let released = false;
    try {
      const upload = fetch(`${app.url}/api/hazards/${hazardId}/photos`, { method: "POST", body: form, headers: { authorization: `Bearer ${token}` } });
      let answered: number | null = null;
      void upload.then((res) => (answered = res.status));
      // Past the 1 s bound a JSON request gets its 503; the upload is still waiting.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(answered).toBeNull();
      await release();
      released = true;
      expect((await upload).status).toBe(201);
    } finally {
      if (!released) await release();
    }
  });
});
