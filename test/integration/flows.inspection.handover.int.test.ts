import { hazardPhotoFlow } from "../../bots/flows/hazardPhoto";
import { inspectionFlow } from "../../bots/flows/inspection";
import type { Flow, FlowContext, FlowInput, FlowState, Next } from "../../bots/flow";
import type { BotServices } from "../../bots/services";
import { ManualClock } from "../../src/clock";
import { Enterprise, Hazard, HazardPhoto, Inspection, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { HazardService } from "../../src/domain/hazards";
import { TipKeys, TipService } from "../../src/domain/tips";
import { InspectionService } from "../../src/domain/inspections";
import { OutboxService } from "../../src/domain/outbox";
import type { MediaStore } from "../../src/media/MediaStore";
import { backend, openTestStores, type TestStores } from "../support/backend";
import { botQueriesFor, nextRequestKey } from "../support/botServices";

const photo = (n: number) => `20261126-${String(n).padStart(32, "0")}.jpg`;

describe(`巡查打卡 → 隐患随手拍 handover (${backend()})`, () => {
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let stores: TestStores;
  let services: BotServices;
  let inspector: Person;
  const ctx = (): FlowContext => ({ person: inspector, now: clock.now(), services, requestKey: nextRequestKey(), say: () => undefined, card: () => undefined, file: () => undefined });

  beforeAll(async () => {
    stores = await openTestStores();
    await loadDemo(stores.db, clock);
    inspector = await stores.db.manager.findOneByOrFail(Person, { name: "唐亮" });
    const outbox = new OutboxService({ db: stores.db, clock, quietHours: "21:00-08:00" });
    services = {
      ...botQueriesFor(stores.db, clock, outbox),
      clock,
      hazards: new HazardService({ db: stores.db, outbox, clock, config: { repeatWindowDays: 365 }, channels: ["wecom"] }),
      inspections: new InspectionService({ db: stores.db, clock, config: { farMetres: 500 } }),
      tips: new TipService({ db: stores.db, outbox, clock, keys: TipKeys.ephemeral(), channels: ["wecom"] }),
      media: {} as MediaStore,
      inboundMedia: () => Promise.reject(new Error("not in these tests")),
      channels: ["wecom"],
    };
  });
  afterAll(() => stores.close());

  /** Feeds `inputs` to `flow` from `state`, returning where it ends. */
  async function run(flow: Flow, first: Next, inputs: FlowInput[]): Promise<Next> {
    let at = first;
    for (const input of inputs) {
      if (!("ask" in at)) throw new Error(`the flow ended before ${JSON.stringify(input)}`);
      at = await flow.reply(ctx(), JSON.parse(JSON.stringify(at.state)) as FlowState, input);
    }
    return at;
  }
  const choice = (key: string): FlowInput => ({ kind: "choice", key, label: key });
  const text = (t: string): FlowInput => ({ kind: "text", text: t });

  it("reports the hazard with the check-in's enterprise and photos, and links it back to the check-in", async () => {
    const enterprise = await stores.db.manager.findOneByOrFail(Enterprise, { name: "东岭化工有限责任公司" });
    const handover = await run(inspectionFlow, await inspectionFlow.start(ctx()), [
      text("东岭化工"),
      choice("special"),
      choice("hazard_found"),
      { kind: "photo", storageKey: photo(1), contentType: "image/jpeg" },
      choice("done"),
      choice("none"),
    ]);
    if (!("goto" in handover)) throw new Error("expected a handover");
    expect(handover.goto).toBe(hazardPhotoFlow.name);
    const end = await run(hazardPhotoFlow, await hazardPhotoFlow.start(ctx(), handover.seed), [choice("done"), text("储罐区防雷检测已过期"), choice("消防安全"), choice("general")]);
    expect(end).toEqual({ done: true });
    const hazard = await stores.db.manager.findOneOrFail(Hazard, { where: {}, order: { id: "DESC" } });
    expect(hazard).toMatchObject({ source: "inspection", enterpriseId: enterprise.id, reporterId: inspector.id });
    expect((await stores.db.manager.find(HazardPhoto, { where: { hazardId: hazard.id } })).map((p) => p.storageKey)).toEqual([photo(1)]);
    const inspection = await stores.db.manager.findOneOrFail(Inspection, { where: {}, order: { id: "DESC" } });
    expect(inspection).toMatchObject({ result: "hazard_found", enterpriseId: enterprise.id, hazardId: hazard.id });
  });
});
