import type { Config } from "../../config";
import { MemoryKv } from "../../kv/memoryKv";
import { ChannelError } from "../channel";
import type { DoctorCheck } from "../module";
import { DingtalkApi } from "./api";

type DingtalkSettings = NonNullable<Config["dingtalk"]>;

/** What the common DingTalk answers mean and what to do about them, in the words an operator needs. */
const ADVICE: readonly { match: RegExp; detail: string; fix: string }[] = [
  { match: /40089|invalidClientIdOrSecret|token_http_4/, detail: "AppKey 或 AppSecret 不正确", fix: "在钉钉开发者后台“凭证与基础信息”中核对 Client ID（AppKey）和 Client Secret（AppSecret），填入 DINGTALK_APP_KEY、DINGTALK_APP_SECRET。" },
  { match: /60011|60020|Forbidden|403/, detail: "应用没有该接口的权限，或服务器 IP 不在白名单", fix: "在开发者后台“权限管理”中开通通讯录只读、企业内机器人发送消息、互动卡片等权限；在“安全设置”中把本服务器的出口 IP 加入白名单。" },
  { match: /unreachable/, detail: "连不上钉钉服务器", fix: "检查本机能否访问 https://oapi.dingtalk.com 和 https://api.dingtalk.com（代理、防火墙、DNS），以及 DINGTALK_API_BASE、DINGTALK_OAPI_BASE 是否写错。" },
  { match: /143103|143104|QpsLimit|Throttling/, detail: "调用过于频繁被限流", fix: "稍等一分钟再试；若经常出现，请检查是否有别的程序在用同一个应用调用接口。" },
];

function advise(title: string, err: unknown): DoctorCheck {
  const code = err instanceof ChannelError ? err.code : "unknown";
  const hit = ADVICE.find((a) => a.match.test(code));
  return { title, ok: false, detail: hit ? `${hit.detail}（${code}）` : `调用失败（${code}）`, fix: hit?.fix ?? "按错误码在钉钉开放平台文档中查找原因，修正后再运行 npm run doctor。" };
}

/**
 * `npm run doctor` for DingTalk: the settings as the mode needs them, both tokens, and a
 * harmless read of the address book. Prints no secret and no token.
 */
export async function checkDingtalk(settings: DingtalkSettings): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    {
      title: "钉钉接入方式",
      ok: true,
      detail:
        settings.mode === "stream"
          ? "Stream 模式：由本服务主动连接钉钉，无需公网地址；开发者后台“事件订阅”和机器人“消息接收模式”都要选 Stream 模式。"
          : "HTTP 模式：事件订阅请求网址填 <本服务地址>/dingtalk/events，机器人消息接收地址填 <本服务地址>/dingtalk/robot。",
    },
  ];
  const api = new DingtalkApi({ appKey: settings.appKey, appSecret: settings.appSecret, apiBase: settings.apiBase, oapiBase: settings.oapiBase, kv: new MemoryKv() });
  try {
    await api.post("topapi/v2/department/listsubid", { dept_id: 1 });
    checks.push({ title: "钉钉 access_token（旧版接口）与通讯录读取", ok: true, detail: "已获取 access_token，并读取到根部门的下级部门。" });
  } catch (err) {
    checks.push(advise("钉钉 access_token（旧版接口）与通讯录读取", err));
  }
  try {
    await api.v1("POST", "/v1.0/robot/oToMessages/batchQuery", { robotCode: settings.robotCode, processQueryKey: "anshao-doctor" }).catch((err: unknown) => {
      // An unknown query key is the expected answer; only token and permission failures count.
      if (err instanceof ChannelError && /invalidParameter|NotFound|http_400/i.test(err.code)) return;
      throw err;
    });
    checks.push({ title: "钉钉 accessToken（新版接口）与机器人", ok: true, detail: `已获取 accessToken；机器人编码${settings.robotCode === settings.appKey ? "与 AppKey 相同" : "已单独设置"}。` });
  } catch (err) {
    checks.push(advise("钉钉 accessToken（新版接口）与机器人", err));
  }
  return checks;
}
