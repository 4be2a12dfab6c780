import { CHANNEL_MODULES } from "../channels/registry";
import { checkSettings, formatReport } from "../channels/wecom/diagnose";
import { AppError } from "../errors";
import { runCli } from "./runCli";

/**
 * `npm run doctor`: checks the WeChat Work and DingTalk settings, fetches a token and makes harmless read-only
 * calls, explaining each failure in plain Chinese with its fix. Prints no secret and no token;
 * exits 1 when something needs fixing.
 */
runCli(async () => {
  const { config, checks: settings } = checkSettings();
  // A county on DingTalk alone: WeChat Work being off is no problem there.
  const checks = config && !config.wecom && config.dingtalk ? [{ title: "设置", ok: true, detail: "未配置企业微信；已配置钉钉（DINGTALK_*）。" }] : settings;
  // Each configured channel checks its own platform (WeChat Work: token and read-only calls).
  for (const channel of CHANNEL_MODULES) if (config && channel.doctor && channel.enabled(config)) checks.push(...(await channel.doctor(config)));
  const report = formatReport(checks);
  // The report's frame names WeChat Work; a DingTalk-only county reads its own messenger's name.
  process.stdout.write(`${config && !config.wecom && config.dingtalk ? report.replaceAll("企业微信", "钉钉") : report}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  if (failed > 0) throw new AppError("doctor_failed", `消息渠道自检未通过（${failed} 个问题）。`, 400);
});
