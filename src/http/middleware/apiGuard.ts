import type { Middleware } from "koa";
import { Unavailable } from "../../errors";

/**
 * Bounds what a database that hangs (a table lock held elsewhere, a stalled host that neither
 * answers nor refuses) does to the admin API. Without it every request waits as long as the
 * database does, and the requests of people pressing 刷新 pile up behind them without end.
 *
 * - A request not finished within `timeoutMs` is answered 503 at once; its handler is left to
 *   finish (or fail) on its own — it cannot be stopped midway — and still counts as in flight.
 * - Past `maxInFlight` requests still running, a new one is answered 503 without touching the
 *   database, so the pile stays bounded however long the database hangs. Once the database
 *   answers again the handlers finish, the count falls and requests are served as before.
 * - An upload (multipart: a tip's photos from a village on a slow mobile line, a roster) is not
 *   timed: its time is mostly the sender's network, and a 503 while the photos still arrive would
 *   tell a tipster "failed" for a tip that is then stored, without its code. It still counts in
 *   flight, and the server's own request timeout ends one that never finishes.
 */
export interface ApiGuardOptions {
  timeoutMs: number;
  maxInFlight: number;
}

export function apiGuard(o: ApiGuardOptions): Middleware {
  let inFlight = 0;
  const seconds = Math.max(1, Math.round(o.timeoutMs / 1000));
  return async (ctx, next) => {
    if (inFlight >= o.maxInFlight) throw Unavailable("系统繁忙：数据库响应缓慢，正在处理的请求过多，请稍后重试", "api_busy");
    inFlight += 1;
    const work = next();
    const settled = () => void (inFlight -= 1);
    work.then(settled, settled);
    if (ctx.is("multipart")) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Unavailable(`数据库在 ${seconds} 秒内未响应，请稍后重试；如是修改操作，请稍后刷新确认是否已保存`, "api_timeout")), o.timeoutMs);
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
