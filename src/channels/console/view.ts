import type { ConsoleMessage } from "../../db/entities";
import type { OutboundMessage } from "../channel";
import type { LineChange } from "./store";

/** A chat line as the console page renders it; the page escapes every string it shows. */
export type LineView =
  | { id: number; kind: "update"; change: LineChange }
  | {
      id: number;
      kind: string;
      direction: "in" | "out";
      at: string;
      /** The message itself: an `OutboundMessage` for `out` lines, the sent fields for `in` lines. */
      body: Record<string, unknown>;
      /** Cards with buttons: the page reports it back with a click. */
      responseCode?: string;
      answered?: string;
      recalled?: boolean;
    };

/** Link targets the page may open: our own paths and web pages, never `javascript:` and the like. */
export function safeUrl(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  const trimmed = url.trim();
  return /^(https?:\/\/|\/(?!\/))/i.test(trimmed) ? trimmed : undefined;
}

/** One stored line as the page gets it. */
export function lineView(row: ConsoleMessage): LineView {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  if (row.kind === "update") return { id: row.id, kind: "update", change: body as unknown as LineChange };
  return {
    id: row.id,
    kind: row.kind,
    direction: row.direction,
    at: row.createdAt.toISOString(),
    body: row.direction === "out" ? outboundBody(body as unknown as OutboundMessage) : body,
    ...(row.responseCode ? { responseCode: row.responseCode } : {}),
    ...(row.answeredText !== null ? { answered: row.answeredText } : {}),
    ...(row.recalledAt ? { recalled: true } : {}),
  };
}

// Links are checked here as well as on the page: a message is data from many hands.
function outboundBody(message: OutboundMessage): Record<string, unknown> {
  switch (message.kind) {
    case "textcard":
      return { ...message, url: safeUrl(message.url) };
    case "news":
      return { ...message, articles: message.articles.map((a) => ({ ...a, url: safeUrl(a.url), picUrl: safeUrl(a.picUrl) })) };
    case "card":
      return { ...message, card: { ...message.card, url: safeUrl(message.card.url) } };
    default:
      return { ...message };
  }
}
