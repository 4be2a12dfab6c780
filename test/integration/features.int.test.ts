import KoaRouter from "@koa/router";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Flow } from "../../bots/flow";
import type { InboundEvent } from "../../src/channels/channel";
import { createApp } from "../../src/app";
import { ManualClock } from "../../src/clock";
import * as entityModule from "../../src/db/entities";
import { OutboxMessage, Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { FEATURES, hazardsFeature } from "../../src/features";
import { BuiltFeatures, entitiesOf, flowsOf } from "../../src/features/compose";
import { defineFeature, type Kernel } from "../../src/features/feature";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { kvJobLocks } from "../../jobs/jobLocks";
import { runJob } from "../../jobs/runJob";
import { backend, dropTestDatabase, testConfig } from "../support/backend";

const log = createLogger({ level: "silent" });

/** A table nobody migrates: a feature's entity is mapped, whatever its table's fate. */
@Entity("fake_feature_notes")
class FakeNote {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32 })
  text: string;
}

const GREETING = "你好，这里是测试功能";
/** When the fake feature's job ran, as its own service saw it. */
const fakeTicks: Date[] = [];

const greetingFlow: Flow = {
  name: "fake_greeting",
  label: "测试问候",
  summary: "只在测试里出现的功能",
  keywords: ["测试问候"],
  allowed: (person) => person.active,
  async start(ctx) {
    ctx.say(GREETING);
    return { done: true };
  },
  async reply() {
    return { done: true };
  },
};

/**
 * A feature as a newcomer adds one: its own services (built on the hazards feature it declares it
 * needs), a route, a flow, a job and an entity — and no line anywhere else.
 */
const fakeFeature = defineFeature({
  name: "fake",
  needs: { hazards: hazardsFeature },
  services: (_kernel: Kernel, { hazards }) => ({
    tick: async (now: Date) => fakeTicks.push(now),
    hazardsBuilt: hazards.hazards !== undefined && hazards.nudges !== undefined,
  }),
  entities: [FakeNote],
  routes: (fake) => {
    const router = new KoaRouter({ prefix: "/fake" });
    router.get("/", (ctx) => {
      ctx.body = { hazardsBuilt: fake.hazardsBuilt };
    });
    return [router];
  },
  flows: [greetingFlow],
  jobs: (fake) => [{ name: "fakeTick", cron: "*/10 * * * *", run: ({ clock }) => fake.tick(clock.now()) }],
});

const names = (list: readonly { name: string }[]) => list.map((x) => x.name);

describe(`features register themselves (${backend()})`, () => {
  let config: Awaited<ReturnType<typeof testConfig>> | undefined;
  let services: Services | undefined;
  let server: Server | undefined;
  const clock = new ManualClock("2026-06-01T02:00:00Z");

  afterEach(async () => {
    if (server) await new Promise((r) => server!.close(r));
    server = undefined;
    if (services) {
      await services.close();
      await dropTestDatabase(config!);
    }
    services = undefined;
  });

  async function start(features = FEATURES): Promise<{ services: Services; url: string }> {
    config = await testConfig({ CONSOLE_ENABLED: "true" });
    services = await buildServices(config, log, clock, features);
    const app = createApp({ config, log, db: services.db, kv: services.kv, routers: services.routers });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server!.once("listening", r));
    return { services, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it("offers, schedules and maps exactly what the product's features declare", async () => {
    const { services } = await start();
    // The bot menu's order is the features list's.
    expect(names(services.flows)).toEqual(["inspection", "hazard_photo", "assignment", "fix_on_spot", "transfer", "rectification", "verification", "closing", "todo", "tip", "my_tips", "duty", "duty_check_in", "duty_handover", "duty_spot_check", "duty_swap", "digest_settings"]);
    expect(names(services.flows)).toEqual(names(flowsOf(FEATURES)));
    // Feature jobs, then the channels' (the WeChat Work address book, skipped while it is not configured).
    expect(names(services.jobs)).toEqual(["inboxRedrive", "hazardNudges", "tipDeadlines", "calloutTick", "quotaNudges", "dutyTick", "digestTick", "monthlyReport", "retentionPurge", "contactSync", "deliveryReconcile"]);
    const mapped = services.db.dataSource.entityMetadatas.map((m) => m.target);
    expect(new Set(mapped)).toEqual(new Set(entitiesOf(FEATURES)));
    // Every entity class the db layer defines belongs to a feature: none is left out of the data source.
    const defined = Object.values(entityModule).filter((v) => typeof v === "function");
    expect(new Set(entitiesOf(FEATURES))).toEqual(new Set(defined));
  });

  it("mounts, offers, schedules and maps a feature added to the list, and nothing else changes", async () => {
    const { services, url } = await start([...FEATURES, fakeFeature]);

    // Its route answers, with the services of the feature it needs built first.
    const res = await fetch(`${url}/fake`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hazardsBuilt: true });

    // Its flow is offered last and answers its keyword through the whole inbox → bot → outbox path.
    expect(names(services.flows)).toEqual([...names(flowsOf(FEATURES)), "fake_greeting"]);
    await loadDemo(services.db, clock);
    const zhang = await services.db.manager.findOneByOrFail(Person, { name: "张伟" });
    const event: InboundEvent = { channel: "console", eventId: "console:fake-1", senderId: String(zhang.id), occurredAt: clock.now(), kind: "text", text: "测试问候" };
    expect(await services.inbox.accept(event)).toBe("new");
    services.inbox.dispatchSoon(event);
    await services.inbox.drain();
    const sent = await services.db.manager.find(OutboxMessage);
    expect(sent.filter((m) => m.payload.includes(GREETING))).toHaveLength(1);

    // Its job is scheduled with the rest and runs against its own service.
    expect(names(services.jobs)).toEqual(["inboxRedrive", "hazardNudges", "tipDeadlines", "calloutTick", "quotaNudges", "dutyTick", "digestTick", "monthlyReport", "retentionPurge", "fakeTick", "contactSync", "deliveryReconcile"]);
    const job = services.jobs.find((j) => j.name === "fakeTick")!;
    expect(await runJob(job, services.jobContext, { locks: kvJobLocks(services.kv), owner: "test" })).toMatchObject({ status: "ok" });
    expect(fakeTicks).toEqual([clock.now()]);

    // Its entity is mapped.
    expect(services.db.dataSource.hasMetadata(FakeNote)).toBe(true);
  });

  it("refuses a feature whose needs are not in the list, naming both", async () => {
    config = await testConfig();
    const kernel = { config } as Kernel;
    await expect(BuiltFeatures.build([fakeFeature], kernel)).rejects.toThrow('feature "fake" needs "hazards", which is not in the features list');
    await expect(buildServices(config, log, clock, [fakeFeature])).rejects.toThrow(/needs "hazards"/);
    await dropTestDatabase(config);
  });

  it("refuses a feature listed twice", async () => {
    await expect(BuiltFeatures.build([hazardsFeature, hazardsFeature], {} as Kernel)).rejects.toThrow('feature "hazards" is listed twice');
  });
});
