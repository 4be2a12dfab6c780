import { DingtalkApi } from "../channels/dingtalk/api";
import { DingtalkCards } from "../channels/dingtalk/cards";
import { DingtalkContacts } from "../channels/dingtalk/contacts";
import { systemClock } from "../clock";
import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { Database } from "../db/Database";
import { syncContacts } from "../domain/org/contactSync";
import { AppError, Invalid } from "../errors";
import { entities } from "../features";
import { openKv } from "../kv";
import { createLogger } from "../log";
import { runCli } from "./runCli";

const USAGE = [
  "用法：npm run sync:dingtalk [-- --allow-mass-deactivation] [-- --register-cards https://本服务地址]",
  "  --allow-mass-deactivation  确认一次停用大量人员（例如机构调整后）",
  "  --register-cards <地址>     （HTTP 模式）把 <地址>/dingtalk/cards 登记为互动卡片按钮的回调地址，只需做一次",
].join("\n");

/**
 * `npm run sync:dingtalk`: copies DingTalk's departments and users into units and people now
 * (the nightly job does the same when DingTalk is the deployment's address book). Uses the
 * shared kv, so the access token is the fleet's own.
 */
runCli(async () => {
  const args = process.argv.slice(2);
  const registerAt = option(args, "--register-cards");
  const unknown = args.filter((a, i) => a !== "--allow-mass-deactivation" && a !== "--register-cards" && args[i - 1] !== "--register-cards");
  if (unknown.length > 0 || (args.includes("--register-cards") && !/^https?:\/\//.test(registerAt ?? ""))) throw Invalid(`参数有误：${unknown.join("、") || "--register-cards 需要 http(s):// 开头的地址"}\n${USAGE}`, undefined, "usage");
  const config = loadConfig();
  const settings = config.dingtalk;
  if (!settings) throw new AppError("dingtalk_disabled", "尚未配置钉钉（DINGTALK_APP_KEY 等），无法同步通讯录；可运行 npm run doctor 检查设置。", 400);
  const db = new Database(await openDataSource(config, { migrate: true, entities }));
  try {
    const kv = await openKv(config);
    try {
      const log = createLogger({ level: "warn", name: "sync:dingtalk" });
      const api = new DingtalkApi({ appKey: settings.appKey, appSecret: settings.appSecret, apiBase: settings.apiBase, oapiBase: settings.oapiBase, kv, log });
      if (registerAt) {
        await new DingtalkCards({ api, kv, robotCode: settings.robotCode, appSecret: settings.appSecret }).registerCallback(registerAt);
        console.log(`已登记互动卡片回调地址：${registerAt.replace(/\/+$/, "")}/dingtalk/cards`);
      }
      const r = await syncContacts({ db, source: new DingtalkContacts(api), clock: systemClock, actor: "wecom-sync:dingtalk-cli" }, { allowMassDeactivation: args.includes("--allow-mass-deactivation") });
      const lines = [
        "钉钉通讯录同步完成。",
        `  单位：新建 ${r.units.created}，更新 ${r.units.updated}，关联 ${r.units.linked}`,
        `  人员：新建 ${r.people.created}，更新 ${r.people.updated}，关联 ${r.people.linked}，停用 ${r.people.deactivated}，恢复 ${r.people.reactivated}`,
        ...(r.problems.length ? [`  以下 ${r.problems.length} 项未能同步：`, ...r.problems.map((p) => `    - ${p.where}：${p.message}`)] : []),
      ];
      console.log(lines.join("\n"));
    } finally {
      await kv.close();
    }
  } finally {
    await db.close();
  }
});

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
