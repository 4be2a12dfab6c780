import { readFileSync } from "node:fs";
import { systemClock } from "../../src/clock";
import type { Person } from "../../src/db/entities";
import { FakeDingtalk, robotTextBody } from "../fakes/fakeDingtalk";
import { setAccountOf } from "../support/accounts";
import { DING } from "../support/dingtalkApp";
import { Cluster, type Instance, waitFor } from "./cluster";
import { settle, TEST_MS, withLogs } from "./support";

/**
 * Three instances in DingTalk's Stream mode against the fake DingTalk (in this test process): only
 * one holds the long connection (the kv lease), another takes it over when the holder is killed,
 * and a robot message DingTalk delivers again — to the old holder and then the new one — is handled
 * once. The processes run on the machine's clock, so the fake does too.
 */
describe("three instances: DingTalk Stream mode", () => {
  const fake = new FakeDingtalk({ appKey: DING.appKey, appSecret: DING.appSecret, agentId: DING.agentId, now: () => systemClock.now().getTime() });
  let cluster: Cluster;
  let member: Person;
  const account = "ding-cluster-1";

  beforeAll(async () => {
    const url = await fake.start();
    cluster = await Cluster.start({
      env: { DINGTALK_APP_KEY: DING.appKey, DINGTALK_APP_SECRET: DING.appSecret, DINGTALK_AGENT_ID: String(DING.agentId), DINGTALK_MODE: "stream", DINGTALK_API_BASE: url, DINGTALK_OAPI_BASE: url },
    });
    member = (await cluster.members())[0] as Person;
    await setAccountOf(cluster.db.manager, member, "dingtalk", account, systemClock.now());
  }, TEST_MS);
  afterAll(async () => {
    await cluster?.close();
    await fake.stop();
  });

  /** The instances that opened the Stream connection, by their logs. */
  const holders = (): Instance[] => cluster.instances.filter((i) => readFileSync(i.logFile, "utf8").includes('"msg":"dingtalk stream connecting"'));
  const replies = () => fake.robotTextsTo(account).filter((t) => t.includes("请选择要办理的事项"));

  it(
    "holds one connection for the fleet, hands it over on SIGKILL, and handles a message delivered to both holders once",
    withLogs(
      () => cluster,
      async () => {
        await waitFor("one instance to hold the Stream connection", () => fake.stream.openConnections === 1 && holders().length === 1, 40_000);
        const first = holders()[0] as Instance;
        const body = robotTextBody({ senderStaffId: account, content: "帮助", msgId: "msgClusterStream1", session: fake.sessionWebhook(account) }, { appKey: DING.appKey }, systemClock.now().getTime());
        fake.stream.robotMessage(body);
        await waitFor("the reply", () => replies().length === 1, 20_000);

        first.child.kill("SIGKILL");
        expect((await first.exited).signal).toBe("SIGKILL");
        // The lease (30 s) runs out and a survivor, checking every 10 s, connects with a fresh ticket.
        await waitFor("another instance to take the Stream connection over", () => fake.stream.openConnections === 1 && holders().some((h) => h !== first), 60_000);
        expect(holders().filter((h) => h !== first)).toHaveLength(1);

        // DingTalk did not see the first ack, say, and delivers the same message again, twice.
        fake.stream.robotMessage(body);
        fake.stream.robotMessage(body);
        await settle(3_000);
        expect(replies()).toHaveLength(1);
        expect(fake.stream.openConnections).toBe(1);
      },
    ),
    3 * TEST_MS,
  );
});
