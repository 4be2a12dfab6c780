import { WecomError, meaningOf } from "./wecomError";

/** What went wrong, in plain Chinese, and what to do about it. */
export interface Advice {
  detail: string;
  fix: string;
}

const CONSOLE = "企业微信管理后台（work.weixin.qq.com）";

/** The common failures of a new installation, each with the fix (PROTOCOLS §2.1, §2.6). */
const BY_ERRCODE: Record<number, (e: WecomError) => Advice> = {
  40001: () => ({
    detail: "应用 Secret（WECOM_SECRET）不正确，或已在后台重置。",
    fix: `登录${CONSOLE} → 应用管理 → 自建应用（安哨）→ Secret 点“查看”，在企业微信中收到后复制到 WECOM_SECRET。注意要用本应用的 Secret，不是“通讯录同步”或“客户联系”的 Secret。`,
  }),
  40013: () => ({
    detail: "企业 ID（WECOM_CORP_ID）不正确。",
    fix: `登录${CONSOLE} → 我的企业 → 企业信息 → 页面底部的“企业ID”（ww 开头），填入 WECOM_CORP_ID。`,
  }),
  40056: () => ({
    detail: "应用 AgentId（WECOM_AGENT_ID）不正确。",
    fix: `在${CONSOLE} → 应用管理 → 自建应用（安哨）的详情页查看 AgentId，填入 WECOM_AGENT_ID。`,
  }),
  60020: (e) => {
    const ip = /from ip:\s*([0-9a-fA-F.:]+)/.exec(e.errmsg ?? "")?.[1];
    return {
      detail: `本服务器的出口 IP${ip ? `（企业微信看到的是 ${ip}）` : ""}不在应用的“企业可信IP”列表中；2022 年后新建的自建应用必须配置。`,
      fix: `登录${CONSOLE} → 应用管理 → 自建应用（安哨）→ 开发者接口 → 企业可信IP → 配置，加入${ip ? ` ${ip}` : "本服务器的公网出口 IP"}（多台服务器或经 NAT 出网时全部加入）。若提示先设置可信域名或接收消息服务器，请先完成“接收消息”的 URL 配置。`,
    };
  },
  48002: () => ({
    detail: "该接口无权限调用。",
    fix: `在${CONSOLE} → 应用管理 → 自建应用（安哨）中检查“API 权限”是否开启；同时确认本服务器 IP 已加入“企业可信IP”。读取通讯录的部分接口只能用“通讯录同步”的 Secret 调用。`,
  }),
  60011: () => ({
    detail: "应用的可见范围不包含所需的部门或成员，无权读取或发送。",
    fix: `在${CONSOLE} → 应用管理 → 自建应用（安哨）→ 可见范围 → 添加需要使用安哨的部门（通常直接选择单位的根部门），保存后再试。`,
  }),
  45009: () => ({ detail: "接口调用频率超过限制。", fix: "等待 1 分钟后再试；若频繁出现，请检查是否有其他程序在用同一个应用大量调用接口。" }),
  [-1]: () => ({ detail: "企业微信系统繁忙。", fix: "稍后再试。" }),
};

/** Advice for any failure of a WeChat Work call made by the doctor. */
export function adviseOn(err: unknown, apiBase: string): Advice {
  if (!(err instanceof WecomError)) return { detail: `意外错误：${(err as Error)?.message ?? String(err)}`, fix: "请把以上信息发给技术支持。" };
  if (err.errcode !== undefined) {
    const known = BY_ERRCODE[err.errcode];
    if (known) return known(err);
    return {
      detail: `${meaningOf(err.errcode)}（错误码 ${err.errcode}）。`,
      fix: `按企业微信的错误码说明处理：https://open.work.weixin.qq.com/devtool/query?e=${err.errcode}`,
    };
  }
  if (err.code === "wecom_network" || err.code === "wecom_timeout") {
    return {
      detail: `${err.code === "wecom_timeout" ? "连接企业微信接口超时" : "无法连接企业微信接口"}（${apiBase}${err.errmsg ? `，${err.errmsg}` : ""}）。`,
      fix: "检查本服务器能否访问外网：DNS 能否解析 qyapi.weixin.qq.com、防火墙是否放行 443 端口出站、是否需要经代理出网（设置 HTTPS_PROXY）；WECOM_API_BASE 一般不用设置。",
    };
  }
  if (err.httpStatus !== undefined) {
    return { detail: `企业微信接口返回 HTTP ${err.httpStatus}。`, fix: err.httpStatus >= 500 ? "多为企业微信临时故障，稍后再试。" : "检查 WECOM_API_BASE 是否指向企业微信接口地址（默认 https://qyapi.weixin.qq.com）。" };
  }
  return { detail: err.message, fix: "稍后再试；如仍失败，请把以上信息发给技术支持。" };
}
