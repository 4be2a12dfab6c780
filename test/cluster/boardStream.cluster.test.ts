import { textMessageXml } from "../fakes/fakeWecom";
import { type SseEvent, sseEvents } from "../support/sseEvents";
import { Cluster } from "./cluster";
import { TEST_MS, within, withLogs } from "./support";

interface BoardData {
  counts: { total: number; answered: number };
}

/**
 * The console's live 叫应 board on a fleet: people watch it on two instances while the answers
 * arrive at a third (WeChat Work's callbacks land anywhere); every viewer's stream shows each answer.
 */
describe("three instances: the live 叫应 board", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await Cluster.start();
  }, TEST_MS);
  afterAll(async () => {
    await cluster?.close();
  });

  it(
    "shows answers taken by one instance on the boards streamed by the others",
    withLogs(
      () => cluster,
      async () => {
        const { token } = await cluster.dutyOfficerToken();
        const people = (await cluster.members()).filter((p) => p.roles.includes("village_cadre")).slice(0, 4);
        const [app1, app2, app3] = cluster.instances.map((i) => i.url) as [string, string, string];
        const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
        const created = await fetch(`${app1}/api/callouts`, { method: "POST", headers: auth, body: JSON.stringify({ title: "大风蓝色预警叫应", text: "请加固户外设施。", warningType: "gale", level: "blue", personIds: people.map((p) => p.id) }) });
        expect(created.status).toBe(201);
        const id = ((await created.json()) as { data: { id: number } }).data.id;
        expect((await fetch(`${app1}/api/callouts/${id}/send`, { method: "POST", headers: auth })).status).toBe(200);

        const abort = new AbortController();
        const viewers = await Promise.all([app1, app2].map(async (url) => {
          const res = await fetch(`${url}/api/callouts/${id}/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
          expect(res.status).toBe(200);
          const events = sseEvents<BoardData>(res);
          // The boards this viewer is sent until one counts `answered` answers (cards being delivered change it too).
          return async (answered: number) => {
            for (;;) {
              const event = (await within(events.next(), 20_000))?.value as SseEvent<BoardData> | undefined;
              if (!event) return `no board with ${answered} answered`;
              if (event.data?.counts.answered === answered) return "seen";
            }
          };
        }));
        try {
          for (const next of viewers) expect(await next(0)).toBe("seen");
          for (const [i, p] of people.slice(0, 2).entries()) {
            const answer = textMessageXml({ ...cluster.fake.stamp(), from: cluster.wecomId(p), content: "收到", msgId: `8${String(i + 1).padStart(18, "0")}` });
            expect((await cluster.fake.deliverCallback(app3, answer)).status).toBe(200);
            for (const next of viewers) expect(await next(i + 1)).toBe("seen");
          }
        } finally {
          abort.abort();
        }
      },
    ),
    TEST_MS,
  );
});
