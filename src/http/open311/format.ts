import type { Context } from "koa";

/** What an Open311 answer is written as: the path's `.json` or `.xml`. */
export type Open311Format = "json" | "xml";

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

/** How the spec names one element of each list. */
const ITEM_OF: Record<string, string> = { endpoints: "endpoint", formats: "format", attributes: "attribute", values: "value", keywords: "keyword" };

/** A value as XML: objects become child elements, arrays repeat their item element, null is an empty element. */
function toXml(name: string, value: unknown, item = "item"): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml(item, v)).join("")}</${name}>`;
  if (typeof value === "object") {
    return `<${name}>${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toXml(k, v, ITEM_OF[k]))
      .join("")}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Answers `body` in the requested format; `root`/`item` name the XML elements as the spec does. */
export function answer(ctx: Context, format: Open311Format, body: unknown, root: string, item?: string, status = 200): void {
  ctx.status = status;
  ctx.set("Cache-Control", "no-store");
  if (format === "json") {
    ctx.type = "application/json; charset=utf-8";
    ctx.body = JSON.stringify(body);
    return;
  }
  ctx.type = "text/xml; charset=utf-8";
  ctx.body = `<?xml version="1.0" encoding="utf-8"?>${toXml(root, body, item)}`;
}

/** The spec's error format: `[{code, description}]` or `<errors><error>…</error></errors>`. */
export function answerError(ctx: Context, format: Open311Format, status: number, description: string): void {
  answer(ctx, format, [{ code: status, description }], "errors", "error", status);
}
