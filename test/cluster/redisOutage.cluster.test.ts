import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { In } from "typeorm";
import { InboundEventRow, OutboxDelivery, Person } from "../../src/db/entities";
import { textMessageXml } from "../fakes/fakeWecom";
import { CORP } from "../support/wecomApp";
import { Cluster, waitFor } from "./cluster";
import { freePort, messagesTo, settle, TEST_MS, within, withLogs } from "./support";

/**
 * Redis stopped in the middle of a run and started again. The machine's shared Redis is never
 * touched: the cluster uses a private, throw-away redis-server child of this test.
 */
describe("three instances: Redis stopped and restarted", () => {
  let cluster: Cluster | undefined;
  let redis: ChildProcess | undefined;
  let port: number;

  async function startRedis(): Promise<void> {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: "ignore" });
    redis = child;
    await waitFor("redis to answer", async () => {
      if (child.exitCode !== null) throw new Error("redis-server exited");
      return new Promise<boolean>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
        socket.once("data", (d) => (socket.destroy(), resolve(d.toString().startsWith("+PONG"))));
        socket.once("error", () => resolve(false));
      });
    }, 10_000);
  }

  async function stopRedis(): Promise<void> {
    const child = redis;
    redis = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await within(exited, 5_000);
  }

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    cluster = await Cluster.start({ redisUrl: `redis://127.0.0.1:${port}/0` });
  }, TEST_MS);
  afterAll(async () => {
    await cluster?.close();
    await stopRedis();
  });

  it(
    "accepts and de-duplicates callbacks while Redis is down, answers every message once afterwards, without a restart",
    withLogs(
      () => cluster,
      async () => {
        const c = cluster as Cluster;
        const members = (await c.members()).slice(0, 8);
        const urls = c.instances.map((i) => i.url);
        const send = (p: Person, id: string, to: string[]) => Promise.all(to.map((url) => c.fake.deliverCallback(url, textMessageXml({ ...c.fake.stamp(), from: c.wecomId(p), content: "帮助", msgId: id }))));
        const keyOf = (id: string) => `${CORP.agentId}:${id}`;

        // Before: the fleet works, and has its access token cached in Redis.
        const first = members[0] as Person;
        await send(first, "9000000000000000001", [urls[0] as string]);
        await waitFor("the first reply", () => messagesTo(c.fake, c.wecomId(first)).length === 1);

        await stopRedis();
        // During: every message and its retries reach all three instances; each is stored once.
        const during = members.slice(1);
        const ids = during.map((_, i) => `90000000000000001${String(i).padStart(2, "0")}`);
        const answers = (await Promise.all(during.map((p, i) => send(p, ids[i] as string, urls)))).flat();
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
        expect(await c.db.manager.count(InboundEventRow, { where: { eventKey: In(ids.map(keyOf)) } })).toBe(during.length);

        await startRedis();
        // After: the turns that failed without Redis are redriven (the inbox redrive job, on
        // every instance at once, once their back-off has run out) and each gets one answer.
        const tickers = await c.tickers(3);
        await waitFor(
          "every message answered",
          async () => {
            await c.db.manager.query("UPDATE inbound_events SET next_attempt_at = next_attempt_at - INTERVAL 1 HOUR WHERE status <> 'done' AND next_attempt_at IS NOT NULL");
            await c.db.manager.query("UPDATE outbox_deliveries SET next_attempt_at = next_attempt_at - INTERVAL 1 HOUR WHERE status = 'pending'");
            await Promise.all(tickers.map((t) => t.jobs.find((j) => j.name === "inboxRedrive")?.run(t.jobContext)));
            return during.every((p) => messagesTo(c.fake, c.wecomId(p)).length >= 1);
          },
          45_000,
          500,
        );
        await waitFor("the outbox to empty", async () => (await c.db.manager.count(OutboxDelivery, { where: { status: In(["pending", "sending"]) } })) === 0);
        await settle();
        for (const p of during) expect(messagesTo(c.fake, c.wecomId(p))).toHaveLength(1);
        expect(await c.db.manager.count(InboundEventRow, { where: { eventKey: In(ids.map(keyOf)), status: "done" } })).toBe(during.length);

        // The same processes, never restarted, serve a new message on each instance.
        const later = members.slice(1, 4);
        await Promise.all(later.map((p, i) => send(p, `90000000000000002${i}`, [urls[i] as string])));
        await waitFor("replies from each instance", () => later.every((p) => messagesTo(c.fake, c.wecomId(p)).length === 2));
        expect(c.live).toHaveLength(3);
      },
    ),
    TEST_MS,
  );
});
