import { type Config, ConfigError, type Env, loadConfig } from "../../config";
import { MemoryKv } from "../../kv/memoryKv";
import type { DoctorCheck } from "../module";
import { WecomApi, type WecomReply } from "./api";
import { adviseOn } from "./doctorAdvice";

/** One line of the doctor's report. */
export type Check = DoctorCheck;

/** A problem a check found itself (not a failed call), with its fix. */
class Finding extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

const WECOM_SETTINGS = ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_TOKEN", "WECOM_ENCODING_AES_KEY"] as const;

/** Reads the settings and says which are missing or wrong — by name only, never by value. */
export function checkSettings(env?: Env): { config?: Config; checks: Check[] } {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { checks: [{ title: "设置", ok: false, detail: err.problems.join("；"), fix: "对照 .env.example 修改上述设置后重新运行 npm run doctor。" }] };
  }
  if (!config.wecom) {
    return {
      config,
      checks: [{ title: "设置", ok: false, detail: `尚未配置企业微信：${WECOM_SETTINGS.join("、")} 均未设置，企业微信通道处于关闭状态。`, fix: "在企业微信管理后台创建自建应用后，把企业ID、AgentId、Secret 以及“接收消息”中的 Token、EncodingAESKey 填入上述设置。" }],
    };
  }
  const w = config.wecom;
  return {
    config,
    checks: [{ title: "设置", ok: true, detail: `${WECOM_SETTINGS.join("、")} 均已设置（企业ID ${maskCorpId(w.corpId)}，AgentId ${w.agentId}，接口地址 ${w.apiBase}）。` }],
  };
}

/**
 * Asks WeChat Work for a token (fresh, bypassing the shared cache, so the platform's own answer
 * is seen), then makes harmless read-only calls: the app's details and its visible departments.
 */
export async function checkApi(wecom: NonNullable<Config["wecom"]>, options: { timeoutMs?: number } = {}): Promise<Check[]> {
  const kv = new MemoryKv("doctor:");
  const api = new WecomApi({ corpId: wecom.corpId, agentId: wecom.agentId, secret: wecom.secret, apiBase: wecom.apiBase, kv, timeoutMs: options.timeoutMs ?? 10_000 });
  const checks: Check[] = [];
  const step = async (title: string, call: () => Promise<string>): Promise<boolean> => {
    try {
      checks.push({ title, ok: true, detail: await call() });
      return true;
    } catch (err) {
      const advice = err instanceof Finding ? { detail: err.message, fix: err.fix } : adviseOn(err, wecom.apiBase);
      checks.push({ title, ok: false, detail: advice.detail, fix: advice.fix });
      return false;
    }
  };
  try {
    const gotToken = await step("获取 access_token", async () => {
      const t = await api.fetchTokenUncached();
      return `成功（有效期 ${t.expiresInS} 秒）。`;
    });
    if (!gotToken) return checks;
    await step("读取应用信息（agent/get）", async () => {
      const agent = await api.get<WecomReply & { name?: string; close?: number; allow_partys?: { partyid?: number[] }; allow_userinfos?: { user?: unknown[] } }>("agent/get", { agentid: wecom.agentId });
      const parties = agent.allow_partys?.partyid?.length ?? 0;
      const users = agent.allow_userinfos?.user?.length ?? 0;
      if (agent.close === 1) throw new Finding(`应用“${agent.name ?? "?"}”已被停用。`, "在企业微信管理后台 → 应用管理中启用该应用。");
      return `应用“${agent.name ?? "?"}”，可见范围：${parties} 个部门、${users} 名单独添加的成员。`;
    });
    await step("读取可见部门（department/simplelist）", async () => {
      const list = await api.get<WecomReply & { department_id?: unknown[] }>("department/simplelist");
      const n = list.department_id?.length ?? 0;
      if (n === 0) throw new Finding("应用的可见范围内没有任何部门，无法同步通讯录。", "在企业微信管理后台 → 应用管理 → 自建应用（安哨）→ 可见范围中添加部门（通常直接选择单位的根部门）。");
      return `可见 ${n} 个部门，可以同步通讯录（npm run sync:wecom）。`;
    });
    return checks;
  } finally {
    await kv.close();
  }
}

/** The report as printed: one line per check, the fix under each failure, then a summary. */
export function formatReport(checks: Check[]): string {
  const lines = ["安哨 · 企业微信自检", ""];
  for (const c of checks) {
    lines.push(`${c.ok ? "✔" : "✘"} ${c.title}：${c.detail}`);
    if (!c.ok && c.fix) lines.push(`    解决办法：${c.fix}`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  lines.push("", failed === 0 ? "总结：全部检查通过，企业微信通道可以使用。" : `总结：发现 ${failed} 个问题，请按上面的解决办法处理后重新运行 npm run doctor。`);
  return lines.join("\n");
}

/** `ww5c2f…3c90`: enough to recognise, not the whole id. */
function maskCorpId(corpId: string): string {
  return corpId.length <= 8 ? corpId : `${corpId.slice(0, 6)}…${corpId.slice(-4)}`;
}
