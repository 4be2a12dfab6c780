import { ChannelError } from "../channel";
import type { MessengerSignIn } from "../module";
import type { DingtalkApi } from "./api";

/** DingTalk's sign-in page (登录第三方网站; inside the DingTalk client it signs the member in without a prompt). */
const AUTHORIZE = "https://login.dingtalk.com/oauth2/auth";

/** `topapi/user/getbyunionid`: the account is not a member of this organisation. */
const NOT_A_MEMBER = new Set([60121]);

/**
 * DingTalk in-app sign-in (免登) for the admin console: the browser goes to DingTalk's OAuth page,
 * which comes back with an `authCode`; the code buys the person's own access token
 * (`/v1.0/oauth2/userAccessToken`), the token says whose account it is (`/v1.0/contact/users/me`,
 * a unionId), and `topapi/user/getbyunionid` turns the unionId into the member's userid — the
 * account id of `person_accounts`. A code that is wrong, used or expired, or an account outside
 * the organisation, signs no one in; an unreachable or failing platform is an error, not a refusal.
 */
export function dingtalkSignIn(api: DingtalkApi, settings: { appKey: string; appSecret: string }): MessengerSignIn {
  return {
    authorizeUrl: (redirectUri, state) =>
      `${AUTHORIZE}?redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&client_id=${encodeURIComponent(settings.appKey)}&scope=openid&state=${encodeURIComponent(state)}&prompt=consent`,
    async accountForCode(code) {
      const token = await api.v1AsUser("POST", "/v1.0/oauth2/userAccessToken", null, { clientId: settings.appKey, clientSecret: settings.appSecret, code, grantType: "authorization_code" });
      const accessToken = (token.data as { accessToken?: unknown } | null)?.accessToken;
      if (token.status >= 400 && token.status < 500) return null;
      if (token.status !== 200 || typeof accessToken !== "string") throw unavailable(token.status);
      const me = await api.v1AsUser("GET", "/v1.0/contact/users/me", accessToken);
      const unionId = (me.data as { unionId?: unknown } | null)?.unionId;
      if (me.status !== 200 || typeof unionId !== "string" || !unionId) throw unavailable(me.status);
      try {
        const reply = await api.post<{ errcode?: number; result?: { userid?: unknown } }>("topapi/user/getbyunionid", { unionid: unionId });
        return typeof reply.result?.userid === "string" && reply.result.userid ? reply.result.userid : null;
      } catch (err) {
        if (err instanceof ChannelError && NOT_A_MEMBER.has(Number(err.code.replace(/^dingtalk_/, "")))) return null;
        throw err;
      }
    },
  };
}

const unavailable = (status: number) => new ChannelError("dingtalk", `dingtalk_signin_http_${status}`, "钉钉登录暂时不可用，请稍后重试或使用密码登录", true);
