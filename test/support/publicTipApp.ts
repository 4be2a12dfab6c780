import { mkdtempSync, readdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import { Person } from "../../src/db/entities";
import { issueApiToken } from "../../src/domain/auth/apiTokens";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { OutboxService } from "../../src/domain/outbox";
import { DEFAULT_PUBLIC_TIP_SETTINGS, type PublicTipSettings, TipKeys, TipService } from "../../src/domain/tips";
import { open311Routes } from "../../src/http/routes/open311";
import { publicTipRoutes } from "../../src/http/routes/publicTips";
import { tipCategoryRoutes } from "../../src/http/routes/tipCategories";
import { tipRewardRoutes } from "../../src/http/routes/tipRewards";
import { tipHazardRoutes } from "../../src/http/routes/tipHazards";
import { tipRoutes } from "../../src/http/routes/tips";
import { HazardService } from "../../src/domain/hazards";
import { tipPageRoutes } from "../../src/web/tipPage";
import { LocalMediaStore } from "../../src/media/localMediaStore";
import { openTestStores, type TestStores } from "./backend";

/** The public tip API on a real port over the demo county, with every log line kept for inspection. */
export interface PublicTipApp {
  stores: TestStores;
  clock: ManualClock;
  tips: TipService;
  base: string;
  mediaDir: string;
  /** Every log line the app wrote, as text. */
  logs: string[];
  /** Every response body the tests read, as text (for the confidentiality search). */
  responses: string[];
  person(name: string): Promise<Person>;
  token(name: string): Promise<string>;
  mediaFiles(): string[];
  close(): Promise<void>;
}

export const OPEN311_KEY = "open311-test-key-0123456789";
export const ALLOWED_ORIGIN = "https://tip.example.gov.cn";

export async function startPublicTipApp(settings: Partial<PublicTipSettings> = {}): Promise<PublicTipApp> {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  const stores = await openTestStores();
  await loadDemo(stores.db, clock);
  const mediaDir = mkdtempSync(join(tmpdir(), "anshao-public-tips-"));
  const media = new LocalMediaStore({ dir: mediaDir, maxBytes: 20 << 20, now: () => clock.now() });
  const logs: string[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
  const publicTips = { ...DEFAULT_PUBLIC_TIP_SETTINGS, ...settings };
  const tips = new TipService({ db: stores.db, outbox, clock, keys: TipKeys.ephemeral(), channels: ["wecom"], media, publicTips });
  const routers = [
    tipPageRoutes({ db: stores.db, clock }),
    tipRewardRoutes({ db: stores.db, clock, tips }),
    tipHazardRoutes({ db: stores.db, clock, tips, hazards: new HazardService({ db: stores.db, outbox, clock, config: stores.config.hazards, channels: ["wecom"] }) }),
    tipRoutes({ db: stores.db, clock, tips }),
    tipCategoryRoutes({ db: stores.db, clock, tips }),
    publicTipRoutes({ tips, kv: stores.kv, origins: [ALLOWED_ORIGIN], photoMaxBytes: publicTips.photoMaxBytes }),
    open311Routes({ tips, kv: stores.kv, apiKeys: [OPEN311_KEY] }),
  ];
  const server: Server = createApp({ config: stores.config, log, db: stores.db, kv: stores.kv, routers }).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const tokens = new Map<string, string>();
  return {
    stores,
    clock,
    tips,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mediaDir,
    logs,
    responses: [],
    person: (name) => stores.db.manager.findOneByOrFail(Person, { name }),
    async token(name) {
      const known = tokens.get(name);
      if (known) return known;
      const person = await stores.db.manager.findOneByOrFail(Person, { name });
      const issued = (await issueApiToken(stores.db, clock, person.mobile, "测试")).token;
      tokens.set(name, issued);
      return issued;
    },
    mediaFiles: () => readdirSync(mediaDir, { recursive: true }).map(String).filter((f) => /\.[a-z]+$/.test(f)),
    async close() {
      await new Promise((r) => server.close(r));
      await stores.close();
    },
  };
}

/** The multipart form the H5 page and the mini-program send. */
export function tipForm(fields: Record<string, string>, photos: readonly Buffer[] = [], photoName = "photo.jpg"): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const p of photos) form.append("photos", new Blob([new Uint8Array(p)], { type: "image/jpeg" }), photoName);
  return form;
}
