import { checkApi, checkSettings, formatReport } from "../channels/wecom/diagnose";
import { AppError } from "../errors";
import { runCli } from "./runCli";

/**
 * `npm run doctor`: checks the WeChat Work settings, fetches a token and makes harmless read-only
 * calls, explaining each failure in plain Chinese with its fix. Prints no secret and no token;
 * exits 1 when something needs fixing.
 */
runCli(async () => {
  const { config, checks } = checkSettings();
  if (config?.wecom) checks.push(...(await checkApi(config.wecom)));
  process.stdout.write(`${formatReport(checks)}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  if (failed > 0) throw new AppError("doctor_failed", `企业微信自检未通过（${failed} 个问题）。`, 400);
});
