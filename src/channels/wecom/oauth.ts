import type { MessengerSignIn } from "../module";
import type { WecomApi } from "./api";
import { WecomError } from "./wecomError";

/** The page WeChat Work opens for an app's in-app sign-in (网页授权登录, snsapi_base: the member's userid, silently). */
const AUTHORIZE = "https://open.weixin.qq.com/connect/oauth2/authorize";

/** Codes the platform refuses as the caller's fault (invalid, used, expired): a failed sign-in, not an outage. */
const BAD_CODE = new Set([40029, 40163, 40014, 42003, 50001]);

/**
 * WeChat Work in-app sign-in: the browser inside WeChat Work is sent to the authorisation page,
 * which returns with a `code`; `auth/getuserinfo` turns it into the member's userid (the account
 * id of `person_accounts`). A non-member (an `openid` only) signs no one in.
 */
export function wecomSignIn(api: WecomApi, settings: { corpId: string; agentId: number }): MessengerSignIn {
  return {
    authorizeUrl: (redirectUri, state) =>
      `${AUTHORIZE}?appid=${encodeURIComponent(settings.corpId)}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_base&state=${encodeURIComponent(state)}&agentid=${settings.agentId}#wechat_redirect`,
    async accountForCode(code) {
      try {
        const reply = await api.get<{ errcode?: number; userid?: string }>("auth/getuserinfo", { code });
        return typeof reply.userid === "string" && reply.userid ? reply.userid : null;
      } catch (err) {
        if (err instanceof WecomError && err.errcode !== undefined && BAD_CODE.has(err.errcode)) return null;
        throw err;
      }
    },
  };
}
