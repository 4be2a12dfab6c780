// The peer middleware ships no types; this is the little of it the benchmark uses.
declare module "wechat-enterprise" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  namespace wechat {
    interface Config {
      token: string;
      encodingAESKey: string;
      corpId: string;
    }
    type Request = IncomingMessage & { query?: Record<string, unknown>; weixin?: Record<string, unknown> };
    type Response = ServerResponse & { reply(content?: unknown): void };
    type Next = (err?: unknown) => void;
    type Middleware = (req: Request, res: Response, next: Next) => void;
  }

  /** `wechat(config, (req, res, next) => …)`: a connect-style middleware. */
  function wechat(config: wechat.Config, handle: (req: wechat.Request, res: wechat.Response, next: wechat.Next) => void): wechat.Middleware;
  export = wechat;
}
