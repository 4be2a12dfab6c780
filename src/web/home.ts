import Router from "@koa/router";
import type { Database } from "../db/Database";
import { summarizeDirectory } from "../domain/org/directorySummary";
import { riskLevels, unitKinds } from "../domain/org/vocabulary";

/** `/`: a landing page that tells a newcomer the system is alive and what it holds. */
export function homeRoutes(deps: { db: Database }): Router {
  const router = new Router();
  router.get("/", async (ctx) => {
    const s = await summarizeDirectory(deps.db);
    const unitLine = unitKinds.codes.map((k) => `${unitKinds.label(k)} ${s.units[k]}`).join(" · ");
    const riskLine = riskLevels.codes.map((k) => `${riskLevels.label(k)} ${s.enterprises[k]}`).join(" · ");
    ctx.type = "text/html; charset=utf-8";
    ctx.body = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>安哨 · 安全生产监管</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
dt{font-weight:600;margin-top:1rem}code{background:#f3f3f3;padding:0 .3em}</style></head>
<body><h1>安哨 正在运行</h1>
<p>安全生产监管进企业微信、钉钉：巡查打卡、隐患随手拍、叫应、整改督办。</p>
<dl><dt>单位</dt><dd>${unitLine}</dd>
<dt>在岗人员</dt><dd>${s.activePeople} 人</dd>
<dt>监管企业（按风险等级）</dt><dd>${riskLine}</dd></dl>
<p>健康检查：<code>/healthz</code> · 就绪检查：<code>/readyz</code></p>
</body></html>`;
  });
  return router;
}
