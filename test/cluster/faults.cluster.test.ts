import { setTimeout as sleep } from "node:timers/promises";
import { In, Like, Not } from "typeorm";
import { InboundEventRow, OutboxDelivery, Person } from "../../src/db/entities";
import { textMessageXml } from "../fakes/fakeWecom";
import { CORP } from "../support/wecomApp";
import { Cluster, type Instance, waitFor } from "./cluster";
import { messagesTo, settle, TEST_MS, within, withLogs, wordsOf } from "./support";

/**
 * Faults on a fleet of three: the platform failing for a while, an instance killed in the middle
 * of an outbox batch, an instance stopped with SIGTERM. Small claims (OUTBOX_BATCH=4) spread the
 * work over the instances. Leases and back-off are minutes long; where a test needs them to have
 * run out it moves the rows' times back in the database rather than waiting.
 */
describe("three instances: faults", () => {
  let cluster: Cluster;
  let members: Person[];
  /** 叫应 recipients of the first test. */
  let called: Person[];
  /**
   * The others, a separate group for each test: WeChat Work's duplicate check compares contents,
   * so a resend of a reply identical to one the member got minutes ago would be (rightly)
   * suppressed as that one — each test's members ask for the menu for the first time.
   */
  let pool: Person[];
  let seq = 0;
  const msgId = () => `8${String(++seq).padStart(18, "0")}`;

  beforeAll(async () => {
    cluster = await Cluster.start({ env: { OUTBOX_BATCH: "4" } });
    members = await cluster.members();
    called = members.filter((p) => p.roles.includes("village_cadre")).slice(0, 5);
    pool = members.filter((p) => !called.includes(p));
  }, TEST_MS);
  afterAll(async () => {
    await cluster?.close();
  });

  /** What the bot answered a member (not the 叫应 cards of the first test). */
  const repliesTo = (p: Person) => messagesTo(cluster.fake, cluster.wecomId(p)).filter((m) => !wordsOf(m).includes("预警叫应"));

  /** Every member in `who` writes 帮助 to an instance (round-robin over `to`); returns the inbox keys. */
  async function write(who: Person[], to: Instance[]): Promise<string[]> {
    const ids = who.map(() => msgId());
    const answers = await Promise.all(who.map((p, i) => cluster.fake.deliverCallback((to[i % to.length] as Instance).url, textMessageXml({ ...cluster.fake.stamp(), from: cluster.wecomId(p), content: "帮助", msgId: ids[i] as string }))));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const keys = ids.map((id) => `${CORP.agentId}:${id}`);
    await waitFor("the turns to finish", async () => (await cluster.db.manager.count(InboundEventRow, { where: { eventKey: In(keys), status: "done" } })) === keys.length);
    return keys;
  }

  /**
   * The platform answers normally again: the injected failures no instance has met yet are spent
   * here, by calls without a token, until one gets the platform's own "access_token missing".
   */
  async function platformRecovers(): Promise<void> {
    for (let spent = 0; spent < 1_000; spent++) {
      const answer = await fetch(`${cluster.fake.url}/cgi-bin/message/send`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      if (answer.status === 200 && ((await answer.json()) as { errcode: number }).errcode === 41001) return;
    }
    throw new Error("the fake kept failing");
  }
  // A failed test leaves no failures behind for the next one.
  afterEach(() => platformRecovers());

  const unfinished = () => cluster.db.manager.count(OutboxDelivery, { where: { status: In(["pending", "sending"]) } });

  /** Time passes for the outbox: every retry wait and every lease runs out now. */
  async function fastForwardOutbox(): Promise<void> {
    await cluster.db.manager.query("UPDATE outbox_deliveries SET next_attempt_at = next_attempt_at - INTERVAL 2 HOUR WHERE status = 'pending'");
    await cluster.db.manager.query("UPDATE outbox_deliveries SET claimed_until = claimed_until - INTERVAL 2 HOUR WHERE status = 'sending'");
  }

  /** The instance holding claimed rows right now, if any. */
  async function claimant(): Promise<Instance | undefined> {
    const rows = await cluster.db.manager.find(OutboxDelivery, { where: { status: "sending" }, select: { id: true, claimedBy: true } });
    return cluster.live.find((i) => rows.some((r) => r.claimedBy?.startsWith(`${i.name}:`)));
  }

  it(
    "delivers everything once, 叫应 first, after the platform answered -1, 45009, 502 and nothing for a while",
    withLogs(
      () => cluster,
      async () => {
        const fake = cluster.fake;
        // The outage: one call that outlasts the app's 10 s HTTP timeout, then the three errors in turn.
        fake.failNext({ delayMs: 10_500 }, { api: "message/send" });
        const modes = [{ errcode: -1, errmsg: "system busy" }, { errcode: 45009, errmsg: "api freq out of limit" }, { httpStatus: 502 }];
        for (let i = 0; i < 600; i++) fake.failNext(modes[i % 3] as never, { api: "message/send" });

        const writers = pool.slice(0, 12);
        const before = new Map(writers.map((p) => [p.id, repliesTo(p).length]));
        await write(writers, cluster.instances);

        const { token } = await cluster.dutyOfficerToken();
        expect(called).toHaveLength(5);
        const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
        const [a, b] = cluster.instances.map((i) => i.url) as [string, string];
        const created = await fetch(`${a}/api/callouts`, { method: "POST", headers: auth, body: JSON.stringify({ title: "大风橙色预警叫应", text: "请立即检查户外广告牌与临时设施。", warningType: "大风", level: "橙", personIds: called.map((p) => p.id) }) });
        expect(created.status).toBe(201);
        const id = ((await created.json()) as { data: { id: number } }).data.id;
        expect((await fetch(`${b}/api/callouts/${id}/send`, { method: "POST", headers: auth })).status).toBe(200);

        // The outage lasts until every kind of failure has been seen and the slow call has ended
        // (the platform took it after the app gave up: its resend must be recognised as one).
        await waitFor(
          "the failures to be seen",
          () => {
            const sends = fake.calls("message/send");
            return sends.some((r) => r.errcode === -1) && sends.some((r) => r.errcode === 45009) && sends.some((r) => r.status === 502) && sends.some((r) => r.errcode === 0);
          },
          30_000,
        );
        const calloutRows = await cluster.db.manager.find(OutboxDelivery, { where: { lane: "callout" } });
        expect(calloutRows.length).toBeGreaterThan(0);
        // Recovery: the platform answers normally again (the failures not yet used are spent
        // here), and the back-off the failures caused runs out.
        await platformRecovers();
        const recoveredAt = fake.messages.length;
        await fastForwardOutbox();
        await waitFor("the queue to empty", async () => (await unfinished()) === 0, 45_000);
        await settle();

        for (const p of writers) expect(repliesTo(p).length).toBe((before.get(p.id) ?? 0) + 1);
        const cards = (p: Person) => messagesTo(fake, cluster.wecomId(p)).filter((m) => m.msgtype === "template_card");
        for (const p of called) expect(cards(p)).toHaveLength(1);
        expect(await cluster.db.manager.count(OutboxDelivery, { where: { status: Not("sent") } })).toBe(0);
        // 叫应 first: whichever instance claimed first after the recovery took the card, so at
        // most the other two instances' first sends can land before it.
        const after = fake.messages.slice(recoveredAt).filter((m) => !m.duplicateOf);
        const cardAt = after.findIndex((m) => m.msgtype === "template_card" && called.some((p) => m.delivered.includes(cluster.wecomId(p))));
        expect(cardAt).toBeGreaterThanOrEqual(0);
        expect(cardAt).toBeLessThan(3);
        expect(after.length).toBeGreaterThan(10);
      },
    ),
    TEST_MS,
  );

  it(
    "finishes an outbox batch on the other instances, once, when an instance is killed in the middle of it",
    withLogs(
      () => cluster,
      async () => {
        const fake = cluster.fake;
        const writers = pool.slice(12, 30);
        const before = new Map(writers.map((p) => [p.id, repliesTo(p).length]));
        // Every instance's first send of the batch hangs at the platform for 4 s.
        fake.failNext({ delayMs: 4_000 }, { api: "message/send", times: 3 });
        await write(writers, cluster.instances);
        const victim = await waitFor("an instance holding claimed rows", claimant, 10_000, 20);
        victim.child.kill("SIGKILL");
        expect((await victim.exited).signal).toBe("SIGKILL");
        const orphaned = await cluster.db.manager.find(OutboxDelivery, { where: { status: "sending", claimedBy: Like(`${victim.name}:%`) } });
        expect(orphaned.length).toBeGreaterThan(0);

        // The call the dead process made still ends at the platform; then its lease runs out.
        await sleep(4_500);
        await cluster.db.manager.query("UPDATE outbox_deliveries SET claimed_until = claimed_until - INTERVAL 2 HOUR WHERE status = 'sending' AND claimed_by LIKE ?", [`${victim.name}:%`]);
        await waitFor("the survivors to finish the batch", async () => (await unfinished()) === 0, 30_000);
        await settle();

        for (const p of writers) expect(repliesTo(p).length).toBe((before.get(p.id) ?? 0) + 1);
        // The dead instance's rows were taken over and sent (a second attempt, with the duplicate check).
        const takenOver = await cluster.db.manager.find(OutboxDelivery, { where: { id: In(orphaned.map((r) => r.id)) } });
        expect(takenOver.map((r) => [r.status, r.attempts >= 2])).toEqual(orphaned.map(() => ["sent", true]));
        expect(await cluster.db.manager.count(OutboxDelivery, { where: { status: Not("sent") } })).toBe(0);
      },
    ),
    TEST_MS,
  );

  it(
    "drains cleanly on SIGTERM: exit 0, nothing left claimed, the rest sent once by the others",
    withLogs(
      () => cluster,
      async () => {
        const fake = cluster.fake;
        const writers = pool.slice(30, 50);
        expect(writers.length).toBeGreaterThanOrEqual(12);
        const before = new Map(writers.map((p) => [p.id, repliesTo(p).length]));
        fake.failNext({ delayMs: 2_000 }, { api: "message/send", times: 2 });
        await write(writers, cluster.live);
        const victim = await waitFor("an instance holding claimed rows", claimant, 10_000, 20);
        victim.child.kill("SIGTERM");
        const exit = await within(victim.exited, 20_000);
        expect(exit).toEqual({ code: 0, signal: null });
        expect(await cluster.db.manager.count(OutboxDelivery, { where: { status: "sending", claimedBy: Like(`${victim.name}:%`) } })).toBe(0);

        await waitFor("the survivors to send the rest", async () => (await unfinished()) === 0, 30_000);
        await settle();
        for (const p of writers) expect(repliesTo(p).length).toBe((before.get(p.id) ?? 0) + 1);
        expect(await cluster.db.manager.count(OutboxDelivery, { where: { status: Not("sent") } })).toBe(0);
      },
    ),
    TEST_MS,
  );
});
