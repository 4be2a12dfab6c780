import { appMenu } from "../../bots/appMenu";
import { flows } from "../features";
import { WecomApi } from "../channels/wecom/api";
import { createAppMenu } from "../channels/wecom/menu";
import { loadConfig } from "../config";
import { AppError } from "../errors";
import { openKv } from "../kv";
import { createLogger } from "../log";
import { runCli } from "./runCli";

/**
 * `npm run menu:wecom`: sets the app's menu in WeChat Work to the bot's flows (巡查打卡, 隐患随手拍,
 * 更多 → …), so members start a flow with one tap. Run it once after setting up the app, and again
 * when flows change. Uses the shared kv, so the access token is the fleet's own.
 */
runCli(async () => {
  const config = loadConfig();
  if (!config.wecom) throw new AppError("wecom_disabled", "尚未配置企业微信（WECOM_CORP_ID 等），无法设置应用菜单；可运行 npm run doctor 检查设置。", 400);
  const kv = await openKv(config);
  try {
    const api = new WecomApi({ ...config.wecom, kv, log: createLogger({ level: "warn", name: "menu:wecom" }) });
    const menu = appMenu(flows);
    await createAppMenu(api, menu);
    const lines = menu.map((top) => (top.sub ? `  ${top.name}：${top.sub.map((s) => s.name).join("、")}` : `  ${top.name}`));
    console.log(["企业微信应用菜单已更新：", ...lines].join("\n"));
  } finally {
    await kv.close();
  }
});
