import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { loadConfig } from "../config";
import { cardClickXml, FakeWecom, SAMPLE_DIRECTORY, textMessageXml } from "../dev/fakeWecom";
import { Invalid } from "../errors";
import { runCli } from "./runCli";

const USAGE = "用法：npm run fake:wecom [-- --port 8089 --app http://127.0.0.1:3000]";
const HELP = [
  "可输入的命令：",
  "  text <成员账号> <内容>            以该成员身份给安哨发一条文字消息",
  "  click <msgid> <成员账号> <按钮键>   以该成员身份点击某条卡片消息的按钮",
  "  messages                           列出收到的消息（msgid、类型、接收人）",
  "  expire                             让所有 access_token 立即过期",
  "  help                               显示本说明",
].join("\n");

/**
 * `npm run fake:wecom`: a local WeChat Work for development. Uses the app's WECOM_* settings when
 * they are set (so only WECOM_API_BASE needs pointing here); otherwise makes up a corp and prints
 * the settings to use. Commands on stdin deliver encrypted callbacks to the app.
 */
runCli(async () => {
  const args = process.argv.slice(2);
  const port = Number(option(args, "--port") ?? 8089);
  const appUrl = option(args, "--app") ?? "http://127.0.0.1:3000";
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw Invalid(USAGE, undefined, "usage");
  const configured = loadConfig().wecom;
  const app = configured ?? {
    corpId: `ww${randomBytes(8).toString("hex")}`,
    agentId: 1000002,
    secret: randomBytes(16).toString("hex"),
    token: randomBytes(8).toString("hex"),
    encodingAesKey: randomBytes(32).toString("base64").replace(/[^A-Za-z0-9]/g, "A").slice(0, 43),
  };
  const fake = new FakeWecom({
    ...app,
    port,
    directory: structuredClone(SAMPLE_DIRECTORY),
    onRequest: (r) => console.log(`← ${r.method} /cgi-bin/${r.api} → ${r.status}${r.errcode !== undefined ? ` errcode=${r.errcode}` : ""}`),
  });
  const url = await fake.start();
  console.log(`模拟企业微信已启动：${url}（回调发往 ${appUrl}/wecom/callback）`);
  if (configured) console.log(`已沿用当前的 WECOM_* 设置；请把 WECOM_API_BASE 设为 ${url} 后启动安哨。`);
  else {
    // Made-up credentials of a fake corp: printing them is how the developer configures the app.
    console.log(`在 .env 中设置以下内容后启动安哨：\n  WECOM_API_BASE=${url}\n  WECOM_CORP_ID=${app.corpId}\n  WECOM_AGENT_ID=${app.agentId}\n  WECOM_SECRET=${app.secret}\n  WECOM_TOKEN=${app.token}\n  WECOM_ENCODING_AES_KEY=${app.encodingAesKey}`);
  }
  console.log(`通讯录中的成员：${SAMPLE_DIRECTORY.users.map((u) => `${u.userid}（${u.name}）`).join("、")}\n${HELP}`);
  await repl(fake, appUrl, app);
  await fake.stop();
});

function repl(fake: FakeWecom, appUrl: string, app: { corpId: string; agentId: number }): Promise<void> {
  const rl = createInterface({ input: process.stdin });
  rl.on("line", (line) => {
    void command(fake, appUrl, app, line.trim()).catch((err: Error) => console.log(`失败：${err.message}`));
  });
  return new Promise((resolve) => {
    rl.on("close", resolve);
    process.once("SIGINT", () => rl.close());
  });
}

async function command(fake: FakeWecom, appUrl: string, app: { corpId: string; agentId: number }, line: string): Promise<void> {
  const [verb, ...rest] = line.split(/\s+/);
  if (verb === "text" && rest.length >= 2) {
    const answer = await fake.deliverCallback(appUrl, textMessageXml({ ...fake.stamp(), from: rest[0] as string, content: rest.slice(1).join(" ") }));
    console.log(`→ 回调已送达，安哨答复 HTTP ${answer.status}`);
  } else if (verb === "click" && rest.length === 3) {
    const [msgid, from, key] = rest as [string, string, string];
    const message = fake.messages.find((m) => m.msgid === msgid);
    if (!message?.taskId) return console.log("找不到该卡片消息（需要 messages 列出的 msgid）");
    const xml = cardClickXml({ ...fake.stamp(), from, taskId: message.taskId, key, responseCode: fake.clickCard(msgid) });
    console.log(`→ 点击已送达，安哨答复 HTTP ${(await fake.deliverCallback(appUrl, xml)).status}`);
  } else if (verb === "messages") {
    for (const m of fake.messages.slice(-20)) console.log(`  ${m.msgid}  ${m.msgtype}  → ${m.delivered.join("|") || "（无）"}${m.dropped.length ? `  超限丢弃：${m.dropped.join("|")}` : ""}`);
  } else if (verb === "expire") {
    fake.expireTokens();
    console.log("所有 access_token 已过期。");
  } else if (verb) console.log(HELP);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
