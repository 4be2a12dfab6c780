import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { loadConfig } from "../config";
import { type DingtalkCallbackApp, deliverCardClick, deliverEvent, deliverRobotMessage, FakeDingtalk, robotTextBody } from "../dev/fakeDingtalk";
import { Invalid } from "../errors";
import { runCli } from "./runCli";

const USAGE = "用法：npm run fake:dingtalk [-- --port 8090 --app http://127.0.0.1:3000]";
const HELP = [
  "可输入的命令：",
  "  text <userid> <内容>                 以该成员身份给机器人发一条文字消息（HTTP 模式发到 /dingtalk/robot，Stream 模式经长连接推送）",
  "  click <卡片编号> <按钮>               以卡片接收人的身份点击按钮（卡片编号见 cards）",
  "  join <userid> <姓名> [手机号]         在通讯录中加一名成员，并推送 user_add_org 事件",
  "  cards                                 列出发出的互动卡片",
  "  messages                              列出机器人消息和工作通知",
  "  expire                                让所有令牌立即过期",
  "  help                                  显示本说明",
].join("\n");

/**
 * `npm run fake:dingtalk`: a local DingTalk for development — tokens, work notifications with send
 * results, robot messages, cards, files, the address book and the Stream gateway. Uses the app's
 * DINGTALK_* settings when set; otherwise makes up an app and prints the settings to use.
 */
runCli(async () => {
  const args = process.argv.slice(2);
  const port = Number(option(args, "--port") ?? 8090);
  const appUrl = option(args, "--app") ?? "http://127.0.0.1:3000";
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw Invalid(USAGE, undefined, "usage");
  const configured = loadConfig().dingtalk;
  const app = configured ?? {
    appKey: `ding${randomBytes(8).toString("hex")}`,
    appSecret: randomBytes(24).toString("hex"),
    agentId: 3100001,
    token: randomBytes(8).toString("hex"),
    aesKey: randomBytes(32).toString("base64").replace(/[^A-Za-z0-9]/g, "A").slice(0, 43),
    mode: "http" as const,
  };
  const fake = new FakeDingtalk({ appKey: app.appKey, appSecret: app.appSecret, agentId: app.agentId, now: Date.now, port });
  fake.departments.push({ id: 2, name: "青禾镇", parentId: 1 }, { id: 3, name: "桥东村", parentId: 2 });
  fake.users.push({ userid: "zhangwei", name: "张伟", deptIds: [1], mobile: "13900000008" }, { userid: "liming", name: "李明", deptIds: [2], mobile: "13900000002" });
  const url = await fake.start();
  const target: DingtalkCallbackApp = { url: appUrl, appKey: app.appKey, appSecret: app.appSecret, token: app.token, aesKey: app.aesKey };
  console.log(`模拟钉钉已启动：${url}（${app.mode === "stream" ? "Stream 模式：安哨会连到这里的长连接" : `回调发往 ${appUrl}/dingtalk/…`}）`);
  if (configured) console.log(`已沿用当前的 DINGTALK_* 设置；请把 DINGTALK_API_BASE 和 DINGTALK_OAPI_BASE 都设为 ${url} 后启动安哨。`);
  else {
    // Made-up credentials of a fake app: printing them is how the developer configures Anshao.
    console.log(
      `在 .env 中设置以下内容后启动安哨：\n  DINGTALK_API_BASE=${url}\n  DINGTALK_OAPI_BASE=${url}\n  DINGTALK_APP_KEY=${app.appKey}\n  DINGTALK_APP_SECRET=${app.appSecret}\n  DINGTALK_AGENT_ID=${app.agentId}\n  DINGTALK_TOKEN=${app.token}\n  DINGTALK_AES_KEY=${app.aesKey}`,
    );
  }
  console.log(`通讯录中的成员：${fake.users.map((u) => `${u.userid}（${u.name}）`).join("、")}\n${HELP}`);
  const rl = createInterface({ input: process.stdin });
  rl.on("line", (line) => void command(fake, target, app.mode, line.trim()).catch((err: Error) => console.log(`失败：${err.message}`)));
  await new Promise<void>((resolve) => {
    rl.on("close", resolve);
    process.once("SIGINT", () => rl.close());
  });
  await fake.stop();
});

async function command(fake: FakeDingtalk, app: DingtalkCallbackApp, mode: "http" | "stream", line: string): Promise<void> {
  const [verb, ...rest] = line.split(/\s+/);
  const now = Date.now();
  if (verb === "text" && rest.length >= 2) {
    const body = robotTextBody({ senderStaffId: rest[0] as string, content: rest.slice(1).join(" "), msgId: `msg${randomBytes(8).toString("hex")}`, session: fake.sessionWebhook(rest[0] as string) }, app, now);
    if (mode === "stream") return void console.log(`→ 已经长连接推送（消息 ${fake.stream.robotMessage(body)}）`);
    console.log(`→ 已送达，安哨答复 HTTP ${(await deliverRobotMessage(app, body, now)).status}`);
  } else if (verb === "click" && rest.length === 2) {
    const card = fake.cards[Number(rest[0]) - 1];
    const button = card?.buttons.find((b) => b.label === rest[1] || b.id === rest[1]);
    if (!card || !button) return void console.log("找不到该卡片或按钮（先用 cards 查看）");
    const click = { bizId: card.bizId, userId: card.userId, actionId: button.id };
    if (mode === "stream") return void console.log(`→ 已经长连接推送（消息 ${fake.stream.cardClick({ outTrackId: click.bizId, userId: click.userId, value: JSON.stringify({ cardPrivateData: { actionIds: [click.actionId] } }) })}）`);
    console.log(`→ 点击已送达，安哨答复 HTTP ${(await deliverCardClick(app, click)).status}`);
  } else if (verb === "join" && rest.length >= 2) {
    fake.users.push({ userid: rest[0] as string, name: rest[1] as string, deptIds: [1], ...(rest[2] ? { mobile: rest[2] } : {}) });
    if (mode === "stream") return void fake.stream.event("user_add_org", { UserId: [rest[0]] });
    console.log(`→ 事件已送达，安哨答复 HTTP ${(await deliverEvent(app, { EventType: "user_add_org", TimeStamp: String(now), UserId: [rest[0]] }, now)).status}`);
  } else if (verb === "cards") {
    fake.cards.forEach((c, i) => console.log(`  ${i + 1}. → ${c.userId}  ${c.title}  ${c.done ? `（${c.done}）` : c.buttons.map((b) => `[${b.label}]`).join(" ")}`));
  } else if (verb === "messages") {
    for (const m of fake.robotMessages.slice(-20)) console.log(`  机器人(${m.via}) → ${m.userId}：${m.text.split("\n")[0]}`);
    for (const n of fake.notices.slice(-20)) console.log(`  工作通知 #${n.taskId} → ${n.userIds.join("|")}：${(n.msg.text?.content ?? n.msg.markdown?.title ?? "").split("\n")[0]}`);
  } else if (verb === "expire") {
    fake.expireTokens();
    console.log("所有令牌已过期。");
  } else if (verb) console.log(HELP);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
