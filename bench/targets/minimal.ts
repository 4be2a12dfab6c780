import { decrypt, getSignature } from "@wecom/crypto";
import { XMLParser } from "fast-xml-parser";
import Koa from "koa";
import getRawBody from "raw-body";
import type { BenchApp } from "./server";

/**
 * B. What a careful few lines would do: read the body, parse the envelope, check the signature,
 * decrypt (@wecom/crypto), check the receiver, parse the message — and answer 200. No storage,
 * no de-duplication, no logging. Values stay strings (a 19-digit MsgId must not become a number).
 */
export function minimalApp(app: BenchApp): Koa {
  const parser = new XMLParser({ parseTagValue: false });
  const koa = new Koa();
  koa.use(async (ctx) => {
    if (ctx.method !== "POST" || ctx.path !== "/wecom/callback") return; // 404
    const { msg_signature: signature, timestamp, nonce } = ctx.query;
    if (typeof signature !== "string" || typeof timestamp !== "string" || typeof nonce !== "string") return ctx.throw(400);
    const raw = await getRawBody(ctx.req, { limit: 1024 * 1024, encoding: "utf8" });
    const encrypted = (parser.parse(raw) as { xml?: { Encrypt?: unknown } }).xml?.Encrypt;
    if (typeof encrypted !== "string") return ctx.throw(400);
    if (getSignature(app.token, timestamp, nonce, encrypted) !== signature) ctx.throw(401);
    const { message, id } = decrypt(app.encodingAesKey, encrypted);
    if (id !== app.corpId) ctx.throw(401);
    const msg = (parser.parse(message) as { xml?: { MsgType?: unknown } }).xml;
    if (typeof msg?.MsgType !== "string") ctx.throw(400);
    ctx.status = 200;
    ctx.type = "text/plain";
    ctx.body = "";
  });
  return koa;
}
