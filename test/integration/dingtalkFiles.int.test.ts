import { RobotSessions } from "../../src/channels/dingtalk/sessions";
import { ManualClock } from "../../src/clock";
import { LocalMediaStore } from "../../src/media/localMediaStore";
import { backend } from "../support/backend";
import { type DingtalkApp, startDingtalkApp } from "../support/dingtalkApp";

const UPLOAD = "media/upload";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
/** An .xlsx is a zip: its bytes start with the zip header. */
const XLSX = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from("[Content_Types].xml 月度报表")]);

/** Files (the monthly report workbook, PDFs) reach DingTalk users as files they can open, uploaded once. */
describe(`DingTalk: sending files (${backend()})`, () => {
  // 10:00 in Shanghai, inside working hours.
  const clock = new ManualClock("2026-11-26T02:00:00Z");
  let app: DingtalkApp;
  let store: LocalMediaStore;

  beforeAll(async () => {
    app = await startDingtalkApp(clock);
    store = new LocalMediaStore({ dir: app.config.media.dir, maxBytes: app.config.media.maxBytes, now: () => clock.now() });
    // 张伟 writes to the robot; 李娜 and 王强 never did.
    await new RobotSessions(app.services.kv).remember("ding-zhang", null, clock.now().getTime());
  });
  afterAll(() => app.close());

  async function sendFile(key: string, storageKey: string, userIds: string[]): Promise<number> {
    const { message } = await app.services.db.manager.transaction((tx) =>
      app.services.outbox.enqueue(tx, { idempotencyKey: key, lane: "routine", message: { kind: "file", storageKey }, recipients: userIds.map((userId) => ({ channel: "dingtalk", userId })) }),
    );
    await app.services.outboxWorker.drainOnce(clock.now());
    return message.id;
  }

  it("uploads a PDF once and sends it to the robot chat or as a work notification of type file", async () => {
    const pdf = await store.save(PDF, "application/pdf");
    const id = await sendFile("file:pdf", pdf.key, ["ding-zhang", "ding-li", "ding-wang"]);
    expect((await app.services.outbox.deliveriesOfMessage(id)).map((d) => d.status)).toEqual(["sent", "sent", "sent"]);
    const name = `安哨文件-${pdf.key.slice(0, 8)}.pdf`;
    expect(app.fake.robotMessages.filter((m) => m.userId === "ding-zhang")).toEqual([expect.objectContaining({ via: "robot", msgtype: "file", text: `[文件] ${name}` })]);
    for (const user of ["ding-li", "ding-wang"]) expect(app.fake.chatOf(user).map((c) => [c.via, c.text])).toEqual([["notice", `[文件] ${name}`]]);
    const notice = app.fake.notices.at(-1)!;
    expect(notice.msg.msgtype).toBe("file");
    // What arrived is the stored file, byte for byte, under a name without anything random in it.
    const uploaded = app.fake.media.get(notice.msg.file!.media_id)!;
    expect(uploaded).toMatchObject({ type: "file", filename: name });
    expect(uploaded.bytes.equals(PDF)).toBe(true);
    expect(app.fake.callsOf(UPLOAD)).toHaveLength(1);

    // The same file again (another batch, another day's resend) reuses the upload.
    await sendFile("file:pdf:again", pdf.key, ["ding-zhao"]);
    expect(app.fake.chatOf("ding-zhao").map((c) => c.text)).toEqual([`[文件] ${name}`]);
    expect(app.fake.callsOf(UPLOAD)).toHaveLength(1);
  });

  it("sends the monthly report workbook, uploading again with a fresh token after one was refused", async () => {
    const xlsx = await store.save(XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    app.fake.expireTokens();
    await sendFile("file:xlsx", xlsx.key, ["ding-li"]);
    expect(app.fake.chatOf("ding-li").at(-1)?.text).toBe(`[文件] 安哨文件-${xlsx.key.slice(0, 8)}.xlsx`);
    expect(app.fake.callsOf(UPLOAD).map((c) => c.errcode).slice(-2)).toEqual([42001, 0]);
  });

  it("uploads a file again when the platform forgot it, and the retry reaches only those not yet reached", async () => {
    const pdf = await store.save(Buffer.concat([PDF, Buffer.from("% 整改通知书\n")]), "application/pdf");
    await sendFile("file:forgotten:1", pdf.key, ["ding-li"]);
    const uploads = app.fake.callsOf(UPLOAD).length;
    const name = `[文件] 安哨文件-${pdf.key.slice(0, 8)}.pdf`;
    const copies = (user: string) => app.fake.chatOf(user).filter((c) => c.text === name).length;
    const before = { zhang: copies("ding-zhang"), wang: copies("ding-wang") };
    app.fake.expireMedia();
    const id = await sendFile("file:forgotten:2", pdf.key, ["ding-zhang", "ding-wang"]);
    // 张伟's robot send failed on the forgotten id; the retry uploads again and reaches both, once.
    clock.advance(10 * 60_000);
    await app.services.outboxWorker.drainOnce(clock.now());
    expect((await app.services.outbox.deliveriesOfMessage(id)).map((d) => d.status)).toEqual(["sent", "sent"]);
    expect(app.fake.callsOf(UPLOAD)).toHaveLength(uploads + 1);
    expect({ zhang: copies("ding-zhang"), wang: copies("ding-wang") }).toEqual({ zhang: before.zhang + 1, wang: before.wang + 1 });
  });
});
