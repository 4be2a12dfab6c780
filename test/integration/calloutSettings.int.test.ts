import { ManualClock } from "../../src/clock";
import { ConfigError, loadConfig } from "../../src/config";
import { Person } from "../../src/db/entities";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import { createLogger } from "../../src/log";
import { buildServices, type Services } from "../../src/services";
import { backend, dropTestDatabase, testConfig } from "../support/backend";
import { draft } from "../support/calloutHarness";

const problemsOf = (value: string): string => {
  try {
    loadConfig({ CALLOUT_ANSWER_MINUTES: value });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return "accepted";
};

describe(`叫应 answer windows as a setting (${backend()})`, () => {
  it("reads CALLOUT_ANSWER_MINUTES by level, in English or Chinese, leaving unnamed levels to their default", () => {
    expect(loadConfig({}).callouts.answerMinutes).toEqual({ red: 15, orange: 30, yellow: 60, blue: 120 });
    expect(loadConfig({ CALLOUT_ANSWER_MINUTES: "红:10, blue:90" }).callouts.answerMinutes).toEqual({ red: 10, blue: 90 });
  });

  it("refuses a malformed value in Chinese, naming the setting", () => {
    for (const bad of ["red:0", "purple:5", "red:10,red:20", "red=abc", "red:2000"]) {
      const message = problemsOf(bad);
      expect(message).toContain("CALLOUT_ANSWER_MINUTES");
      expect(message).toContain("叫应回复时限");
    }
    expect(problemsOf("purple:5")).toContain("red:15,orange:30,yellow:60,blue:120");
    expect(problemsOf("red:10,red:20")).toContain("重复");
    expect(problemsOf("red:2000")).toContain("1–1440");
  });

  describe("in the product as wired", () => {
    let services: Services;
    let config: Awaited<ReturnType<typeof testConfig>>;
    const clock = new ManualClock("2026-07-12T00:00:00Z");

    beforeAll(async () => {
      config = await testConfig({ CALLOUT_ANSWER_MINUTES: "red:10,blue:90" });
      services = await buildServices(config, createLogger({ level: "silent" }), clock);
      await loadDemo(services.db, clock);
    });
    afterAll(async () => {
      await services.close();
      await dropTestDatabase(config);
    });

    it("gives each new callout its level's window, and the initiator's own choice still wins", async () => {
      const officer = await services.db.manager.findOneByOrFail(Person, { name: "赵磊" });
      const red = await services.callouts.create(officer, draft({ level: "red" }));
      const blue = await services.callouts.create(officer, draft({ level: "blue" }));
      const orange = await services.callouts.create(officer, draft({ level: "orange" }));
      const chosen = await services.callouts.create(officer, draft({ level: "red", answerMinutes: 45 }));
      expect([red.answerMinutes, blue.answerMinutes, orange.answerMinutes, chosen.answerMinutes]).toEqual([10, 90, 30, 45]);
      const sent = await services.callouts.send(officer, red.id);
      expect(sent.callout.deadlineAt?.getTime()).toBe(clock.now().getTime() + 10 * 60_000);
    });
  });
});
