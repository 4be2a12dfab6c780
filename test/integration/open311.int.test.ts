import { backend } from "../support/backend";
import { OPEN311_KEY, type PublicTipApp, startPublicTipApp } from "../support/publicTipApp";

type Json = { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

const DESCRIPTION = "柳湾机械厂有限空间作业未检测气体，工人直接下井";
const NAME = ["龚", "秀兰"];
const PHONE = "13698765432";

describe(`Open311 GeoReport v2 over public tips (${backend()})`, () => {
  let app: PublicTipApp;

  beforeAll(async () => {
    app = await startPublicTipApp();
  }, 60_000);
  afterAll(() => app.close());

  async function get(path: string): Promise<{ status: number; text: string; json: Json; type: string }> {
    const res = await fetch(`${app.base}/open311/v2/${path}`, { headers: { "x-forwarded-for": "10.31.1.1" } });
    const text = await res.text();
    app.responses.push(text);
    return { status: res.status, text, json: path.includes(".json") ? (JSON.parse(text) as Json) : {}, type: res.headers.get("content-type") ?? "" };
  }
  async function post(path: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
    const res = await fetch(`${app.base}/open311/v2/${path}`, { method: "POST", body: new URLSearchParams(fields), headers: { "x-forwarded-for": "10.31.1.2" } });
    const text = await res.text();
    app.responses.push(text);
    return { status: res.status, text };
  }
  const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

  it("discovers the endpoint and lists the tip categories as services, in JSON and XML", async () => {
    const discovery = await get("discovery.json");
    expect(discovery.json.endpoints[0]).toMatchObject({ specification: "http://wiki.open311.org/GeoReport_v2", url: `${app.base}/open311/v2`, formats: ["application/json", "text/xml"] });
    const xml = await get("discovery.xml");
    expect(xml.type).toContain("text/xml");
    expect(xml.text).toContain("<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>");

    const services = await get("services.json");
    expect(services.json).toEqual(expect.arrayContaining([expect.objectContaining({ service_code: "major_hazard", service_name: "重大事故隐患", metadata: false, type: "realtime" })]));
    const servicesXml = await get("services.xml");
    expect(servicesXml.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><services><service><service_code>illegal_operation<\/service_code><service_name>非法违法生产经营<\/service_name>/);
    expect((await get("services/major_hazard.json")).json).toEqual({ service_code: "major_hazard", attributes: [] });
    expect((await get("services/major_hazard.xml")).text).toContain("<service_definition><service_code>major_hazard</service_code><attributes></attributes></service_definition>");
  });

  it("takes a request form-encoded and follows it to closure, the description withheld while it is verified", async () => {
    const created = await post("requests.json", { service_code: "construction", lat: "31.48", long: "104.62", description: DESCRIPTION, first_name: NAME[1], last_name: NAME[0], phone: PHONE, email: "x@example.com" });
    expect(created.status).toBe(201);
    const [receipt] = JSON.parse(created.text) as Json[];
    expect(receipt.service_request_id).toMatch(/^\d+$/);
    expect(receipt.token).toMatch(/^JB[A-Z0-9]{6}\./);
    const id = receipt.service_request_id as string;

    // The token leads to the request, and to the public lookup.
    expect((await get(`tokens/${receipt.token}.json`)).json).toEqual([{ service_request_id: id, token: receipt.token }]);
    expect(tag((await get(`tokens/${receipt.token}.xml`)).text, "service_request_id")).toBe(id);
    expect((await get(`tokens/${receipt.token.slice(0, -3)}abc.json`)).status).toBe(404);

    const open = (await get(`requests/${id}.json`)).json[0];
    expect(open).toMatchObject({ service_request_id: id, status: "open", service_code: "construction", service_name: "建筑施工", description: null, address: null, lat: null, long: null, media_url: null, status_notes: null });
    expect(open.expected_datetime).not.toBeNull();
    const keyed = (await get(`requests/${id}.json?api_key=${OPEN311_KEY}`)).json[0];
    expect(keyed).toMatchObject({ description: DESCRIPTION, lat: 31.48, long: 104.62 });
    expect((await get(`requests/${id}.json?api_key=wrong-key-0000000000`)).status).toBe(403);
    const openXml = (await get(`requests/${id}.xml`)).text;
    expect(openXml).toContain(`<service_requests><request><service_request_id>${id}</service_request_id><status>open</status>`);
    expect(openXml).toContain("<description/>");

    // Staff verify and close it, and tell the public; Open311 follows.
    const officer = await app.person("刘洋");
    await app.tips.accept(Number(id), officer);
    await app.tips.close(Number(id), officer, { result: "substantiated", note: "现场核查属实，已责令停止作业" });
    await app.tips.writeFeedback(Number(id), officer, "经核查，举报属实，已责令该企业停止违规作业并立案处罚。感谢您的举报。");
    const closed = (await get(`requests/${id}.json`)).json[0];
    expect(closed).toMatchObject({ status: "closed", status_notes: "经核查，举报属实，已责令该企业停止违规作业并立案处罚。感谢您的举报。", description: DESCRIPTION, expected_datetime: null });
    const listed = (await get("requests.json?status=closed")).json as Json[];
    expect(listed.map((r) => r.service_request_id)).toContain(id);
    expect(((await get("requests.json?status=open")).json as Json[]).map((r) => r.service_request_id)).not.toContain(id);
    expect(tag((await get(`requests.xml?service_request_id=${id}`)).text, "status_notes")).toContain("举报属实");

    // The tipster's lookup shows the same feedback.
    const [code, token] = receipt.token.split(".");
    expect(await app.tips.publicStatus(code, token)).toMatchObject({ status: "closed", feedback: expect.stringContaining("举报属实") });
  });

  it("takes XML requests and answers errors in the spec's format", async () => {
    const created = await post("requests.xml", { service_code: "fire_safety", address_string: "青禾镇新街口商铺", description: "商铺二楼住人，楼梯间堆满电动车充电" });
    expect(created.status).toBe(201);
    expect(tag(created.text, "service_request_id")).toMatch(/^\d+$/);

    const unknown = await post("requests.json", { service_code: "nope", address_string: "某处", description: "一段足够长的描述内容" });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toEqual([{ code: 400, description: "请选择举报类别" }]);
    const noPlace = await post("requests.xml", { service_code: "fire_safety", description: "一段足够长的描述内容" });
    expect(noPlace.status).toBe(400);
    expect(noPlace.text).toBe('<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>请提供位置：lat/long 或 address_string</description></error></errors>');
    expect((await get("requests/999999.json")).json).toEqual([{ code: 404, description: "该请求不存在" }]);
    expect((await get("requests.json?start_date=昨天")).status).toBe(400);
    expect((await get("services/none.xml")).text).toContain("<errors><error><code>404</code>");
    expect((await get("bogus.txt")).status).toBe(404);
  });

  it("never names the tipster in any answer or log line", async () => {
    const all = (await get(`requests.json?api_key=${OPEN311_KEY}`)).text;
    expect(all.length).toBeGreaterThan(10);
    const found = [...app.responses, ...app.logs].filter((t) => t.includes(NAME.join("")) || t.includes(PHONE) || t.includes("x@example.com"));
    expect(found).toEqual([]);
  });
});
