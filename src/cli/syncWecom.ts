import { WecomApi } from "../channels/wecom/api";
import { WecomContacts } from "../channels/wecom/contacts";
import { systemClock } from "../clock";
import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { entities } from "../features";
import { Database } from "../db/Database";
import { type ContactSyncResult, syncContacts } from "../domain/org/contactSync";
import { AppError, Invalid } from "../errors";
import { openKv } from "../kv";
import { createLogger } from "../log";
import { runCli } from "./runCli";

const USAGE = "用法：npm run sync:wecom [-- --allow-mass-deactivation]\n  --allow-mass-deactivation  确认一次停用大量人员（例如机构调整后）";

/**
 * `npm run sync:wecom`: reads the WeChat Work address book into units and people now (the daily
 * job does the same at night). Uses the shared kv, so the access token is the fleet's own.
 */
runCli(async () => {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--allow-mass-deactivation");
  if (unknown.length > 0) throw Invalid(`未知的参数：${unknown.join("、")}\n${USAGE}`, undefined, "usage");
  const config = loadConfig();
  if (!config.wecom) throw new AppError("wecom_disabled", "尚未配置企业微信（WECOM_CORP_ID 等），无法同步通讯录；可运行 npm run doctor 检查设置。", 400);
  const db = new Database(await openDataSource(config, { migrate: true, entities }));
  try {
    const kv = await openKv(config);
    try {
      // Outbound calls are logged only when they fail, so the summary below stays readable.
      const log = createLogger({ level: "warn", name: "sync:wecom" });
      const api = new WecomApi({ ...config.wecom, kv, log });
      const result = await syncContacts(
        { db, source: new WecomContacts(api), clock: systemClock, actor: "wecom-sync:cli" },
        { allowMassDeactivation: args.includes("--allow-mass-deactivation") },
      );
      console.log(formatResult(result));
    } finally {
      await kv.close();
    }
  } finally {
    await db.close();
  }
});

function formatResult(r: ContactSyncResult): string {
  const u = r.units;
  const p = r.people;
  const lines = [
    "企业微信通讯录同步完成。",
    `  单位：新建 ${u.created}，更新 ${u.updated}，关联 ${u.linked}`,
    `  人员：新建 ${p.created}，更新 ${p.updated}，关联 ${p.linked}，停用 ${p.deactivated}，恢复 ${p.reactivated}`,
  ];
  if (r.problems.length > 0) {
    lines.push(`  以下 ${r.problems.length} 项未能同步：`);
    for (const problem of r.problems) lines.push(`    - ${problem.where}：${problem.message}`);
  }
  return lines.join("\n");
}
