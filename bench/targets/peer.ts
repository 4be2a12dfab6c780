import Koa from "koa";
import wechat from "wechat-enterprise";
import type { BenchApp } from "./server";

/**
 * C. The peer: node-webot's `wechat-enterprise` middleware (connect-style), mounted on Koa by a
 * small adapter so it pays the same framework cost as B and D. Its handler answers the documented
 * empty 200 (`res.reply("")`), like ours does for a text message.
 */
export function peerApp(app: BenchApp): Koa {
  const middleware = wechat({ token: app.token, encodingAESKey: app.encodingAesKey, corpId: app.corpId }, (_req, res) => res.reply(""));
  const koa = new Koa();
  koa.use((ctx) => {
    if (ctx.path !== "/wecom/callback") return; // 404
    ctx.respond = false; // the middleware writes the response itself
    const req = ctx.req as wechat.Request;
    req.query = ctx.query;
    return new Promise<void>((resolve) => {
      ctx.res.once("finish", resolve);
      ctx.res.once("close", resolve);
      middleware(req, ctx.res as wechat.Response, (err) => {
        if (!ctx.res.headersSent) {
          ctx.res.statusCode = err ? 400 : 404;
          ctx.res.end();
        }
        resolve();
      });
    });
  });
  return koa;
}
