import { readFileSync } from "node:fs";
import { In } from "typeorm";
import { InboundEventRow, OutboxDelivery, type Person } from "../../src/db/entities";
import { textMessageXml } from "../fakes/fakeWecom";
import { CORP } from "../support/wecomApp";
import { Cluster, type Instance, waitFor } from "./cluster";
import { PrivateMariadb } from "./privateMariadb";
import { messagesTo, settle, within, withLogs, wordsOf } from "./support";

/** Two starts of MariaDB, three app processes and a wait for the scheduler's next minute. */
const TEST_MS = 240_000;

/**
 * The database host restarted under a running fleet. The cluster runs on a MariaDB of the test's
 * own (the machine's shared server is never stopped), with the scheduler on, as in production.
 */
describe("three instances: MariaDB restarted", () => {
  let mariadb: PrivateMariadb | undefined;
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    mariadb = await PrivateMariadb.start();
    cluster = await Cluster.start({ mysqlUrl: mariadb.url, env: { JOBS_ENABLED: "true" } });
  }, TEST_MS);
  afterAll(async () => {
    await cluster?.close();
    await mariadb?.close();
  });

  it(
    "answers 503 in Chinese while it is down, tells the platform ok only for stored messages, and resumes the outbox and jobs by itself",
    withLogs(
      () => cluster,
      async () => {
        const c = cluster as Cluster;
        const db = mariadb as PrivateMariadb;
        const members = (await c.members()).slice(0, 8);
        const [queued, during] = [members.slice(0, 3), members.slice(3)];
        const urls = c.instances.map((i) => i.url);
        const { token } = await c.dutyOfficerToken();
        const api = (url: string, path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        const send = (p: Person, id: string, url: string) => c.fake.deliverCallback(url, textMessageXml({ ...c.fake.stamp(), from: c.wecomId(p), content: "帮助", msgId: id }));
        const idOf = (i: number) => `77000000000000000${String(i).padStart(2, "0")}`;
        const keyOf = (id: string) => `${CORP.agentId}:${id}`;
        // The menu 帮助 answers (a digest due meanwhile may reach the same people).
        const replies = (p: Person) => messagesTo(c.fake, c.wecomId(p)).filter((m) => wordsOf(m).includes("回复「帮助」")).length;

        // Before: replies queued while the platform answers 502, so the outbox holds work when the database goes.
        c.fake.failNext({ httpStatus: 502 }, { api: "message/send", times: queued.length });
        const before = await Promise.all(queued.map((p, i) => send(p, idOf(i), urls[i % urls.length] as string)));
        expect(before.map((a) => a.status)).toEqual(queued.map(() => 200));
        await waitFor("the queued replies to meet the 502s", () => c.fake.calls("message/send").filter((r) => r.status === 502).length === queued.length);
        await waitFor("the replies to wait for their retry", async () => (await c.db.manager.count(OutboxDelivery, { where: { status: "pending" } })) === queued.length);
        expect(queued.map(replies)).toEqual(queued.map(() => 0));

        await db.down("SIGKILL");

        // During: every message and every API call is refused with 503 and a Chinese message; nothing crashes.
        const ids = during.map((_, i) => idOf(10 + i));
        const refused = await Promise.all(during.map((p, i) => send(p, ids[i] as string, urls[i % urls.length] as string)));
        for (const answer of refused) {
          expect(answer.status).toBe(503);
          expect(JSON.parse(answer.body)).toMatchObject({ code: "wecom_store_unavailable", message: expect.stringMatching(/暂时无法保存企业微信消息/) });
        }
        for (const url of urls) {
          const answer = await api(url, "/api/hazards");
          expect(answer.status).toBe(503);
          expect(await answer.json()).toMatchObject({ code: "db_unavailable", message: expect.stringMatching(/数据库暂时无法连接/) });
          expect((await fetch(`${url}/readyz`)).status).toBe(503);
        }
        expect(c.live).toHaveLength(3);
        // /metrics still answers, from the process's own figures, and says the database is down.
        const metrics = (url: string) => fetch(`${url}/metrics`).then(async (r) => ({ status: r.status, text: await r.text() }));
        const down = await metrics(urls[0] as string);
        expect(down.status).toBe(200);
        expect(down.text).toMatch(/^anshao_database_up 0$/m);
        expect(down.text).toMatch(/anshao_callbacks_total\{channel="wecom",result="unavailable"\} [1-9]/);

        await db.up();
        const restartedAt = Date.now();

        // After: WeChat Work retries the refused messages, each stored and answered once.
        await waitFor(
          "the retried callbacks to be taken",
          async () => {
            const answers = await Promise.all(during.map((p, i) => send(p, ids[i] as string, urls[(i + 1) % urls.length] as string)));
            return answers.every((a) => a.status === 200);
          },
          30_000,
          500,
        );
        for (const url of urls) expect((await api(url, "/api/hazards")).status).toBe(200);
        expect((await metrics(urls[0] as string)).text).toMatch(/^anshao_database_up 1$/m);
        // The outbox workers, never restarted, deliver what was queued once its retry is due.
        await c.db.manager.query("UPDATE outbox_deliveries SET next_attempt_at = next_attempt_at - INTERVAL 2 HOUR WHERE status = 'pending'");
        await waitFor("every reply delivered", () => [...queued, ...during].every((p) => replies(p) >= 1), 30_000);
        await waitFor("the outbox to empty", async () => (await c.db.manager.count(OutboxDelivery, { where: { status: In(["pending", "sending"]) } })) === 0);
        await settle();
        for (const p of [...queued, ...during]) expect(replies(p)).toBe(1);
        expect(await c.db.manager.count(InboundEventRow, { where: { eventKey: In(ids.map(keyOf)) } })).toBe(during.length);

        // The scheduler, never restarted, runs its next minute's jobs on the restarted database.
        await waitFor(
          "a scheduled job to run after the restart",
          () => c.logEntries().some((e) => e.msg === "job run" && e.job === "inboxRedrive" && e.status === "ok" && Date.parse(String(e.time)) > restartedAt),
          75_000,
          1_000,
        );
        expect(c.live).toHaveLength(3);
        // Each outbox worker said once that the database was away and once that it was back, not at every poll.
        const said = (msg: string) => c.instances.map((i) => c.logEntries().filter((e) => e.instance === i.name && e.msg === msg).length);
        expect(said("outbox: database unavailable, polling slower until it answers")).toEqual([1, 1, 1]);
        expect(said("outbox: database reachable again, sending resumes")).toEqual([1, 1, 1]);
        expect(said("outbox drain failed")).toEqual([0, 0, 0]);
      },
    ),
    TEST_MS,
  );

  it(
    "refuses a flood of distinct callbacks within seconds while the database hangs, with memory bounded, and serves again when it answers",
    withLogs(
      () => cluster,
      async () => {
        const c = cluster as Cluster;
        const db = mariadb as PrivateMariadb;
        const target = c.instances[0] as Instance;
        const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${target.child.pid}/status`, "utf8"))?.[1]) / 1024;
        const member = (await c.members())[10] as Person;
        const send = (from: string, id: string) => c.fake.deliverCallback(target.url, textMessageXml({ ...c.fake.stamp(), from, content: "帮助", msgId: id }));
        const FLOOD = 1_500;
        const before = rssMb();

        db.pause();
        try {
          // Distinct messages, as many senders would write: past the first thousand waiting on the
          // database, each is refused at once; those waiting are refused when their 4 s are up. Every
          // one is answered while the database still hangs (a liveness bound, generous because CI's
          // machine may be busy; how fast is the benchmarks' business, not this test's).
          const answers = await within(Promise.all(Array.from({ length: FLOOD }, (_, i) => send(`flood${i % 50}`, `66${String(i).padStart(17, "0")}`))), 90_000);
          expect(answers).not.toBeNull();
          const statuses = (answers ?? []).map((a) => a.status);
          expect(statuses.filter((s) => s !== 503)).toEqual([]);
          expect(rssMb() - before).toBeLessThan(150);
          expect(c.live).toHaveLength(3);
        } finally {
          db.resume();
        }

        // Thawed: the same process takes a new message and answers it.
        await waitFor("a callback to be taken again", async () => (await send(c.wecomId(member), "6600000000000999999")).status === 200, 30_000, 500);
        await waitFor("the reply", () => messagesTo(c.fake, c.wecomId(member)).some((m) => wordsOf(m).includes("回复「帮助」")), 30_000);
      },
    ),
    TEST_MS,
  );
});
