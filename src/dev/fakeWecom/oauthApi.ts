import { type FakeHandler, fail, ok } from "./protocol";

/**
 * auth/getuserinfo: the userid behind an OAuth code from WeChat Work's in-app sign-in page. A code
 * works once and for five minutes (40029 otherwise), as the platform documents.
 */
export const authGetUserInfo: FakeHandler = (req, state) => {
  const entry = state.oauthCodes.get(req.query.code ?? "");
  if (!entry || entry.used || entry.expiresAt < state.now()) return fail(40029, "invalid code");
  entry.used = true;
  return ok({ userid: entry.userid });
};
