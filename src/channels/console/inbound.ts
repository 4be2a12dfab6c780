import Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import type { Clock } from "../../clock";
import { AppError, Conflict, Invalid, NotFound } from "../../errors";
import type { Logger } from "../../log";
import { allowedType } from "../../media/contentTypes";
import type { MediaStore } from "../../media/MediaStore";
import { type CardButton, chosenWords, type InboundEvent, type InboundSink } from "../channel";
import type { ConsoleStore } from "./store";

/** Where the console page's API lives; the page itself is served by src/web/consoleRoutes.ts. */
export const CONSOLE_API = "/console/api";

export interface ConsoleInboundDeps {
  sink: InboundSink;
  store: ConsoleStore;
  media: MediaStore;
  clock: Clock;
  /** Runs before every endpoint: nothing in the embedded mode, an administrator's login elsewhere. */
  guard: Middleware[];
  /** The clicked card's answered text, as WeChat Work's passive reply would set it. */
  buttonLabel?: (event: Extract<InboundEvent, { kind: "card_click" }>, pressed?: string) => string;
}

// The page makes one id per thing the person sends and reuses it on a retry, so a double submit
// is one event (the inbox's unique key); scoped by person so one chat cannot shadow another's.
const clientEventId = z.string({ error: "缺少消息编号（eventId）" }).regex(/^[A-Za-z0-9_-]{8,64}$/, "消息编号（eventId）应为 8–64 位字母、数字、下划线或连字符");

const MessageBody = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("text"), eventId: clientEventId, text: z.string({ error: "请输入消息内容" }).trim().min(1, "请输入消息内容").max(2000, "消息不能超过 2000 个字") }),
    z.object({
      kind: z.literal("location"),
      eventId: clientEventId,
      latitude: z.number({ error: "纬度应为数字" }).min(-90, "纬度应在 -90 到 90 之间").max(90, "纬度应在 -90 到 90 之间"),
      longitude: z.number({ error: "经度应为数字" }).min(-180, "经度应在 -180 到 180 之间").max(180, "经度应在 -180 到 180 之间"),
      label: z.string().trim().max(100, "位置名称不能超过 100 个字").optional(),
    }),
    z.object({ kind: z.literal("menu_click"), eventId: clientEventId, key: z.string({ error: "缺少菜单项" }).min(1, "缺少菜单项").max(128, "菜单项过长") }),
    z.object({
      kind: z.literal("card_click"),
      eventId: clientEventId,
      messageId: z.number({ error: "缺少卡片编号" }).int("卡片编号应为整数").positive("卡片编号应为正整数"),
      buttonKey: z.string({ error: "缺少按钮" }).min(1, "缺少按钮").max(128, "按钮标识过长"),
    }),
  ],
  { error: "消息类型应为 text、location、menu_click 或 card_click" },
);

const MediaQuery = z.object({
  kind: z.enum(["image", "voice", "file"], { error: "文件类型应为 image（照片）、voice（语音）或 file（PDF 文件）" }),
  eventId: clientEventId,
});

/**
 * The console page's inbound half, playing a messenger's callback: each endpoint turns what the
 * person did into an `InboundEvent` (channel `console`, sender = person id) and hands it to the
 * same inbox as WeChat Work — stored before the answer, processed after it.
 */
export function consoleInboundRouter(deps: ConsoleInboundDeps): Router {
  const router = new Router({ prefix: `${CONSOLE_API}/people/:personId` });
  const label = deps.buttonLabel ?? (() => "已确认");

  router.post("/messages", ...deps.guard, async (ctx) => {
    const personId = await personOf(ctx, deps.store);
    const input = parse(MessageBody, ctx.request.body);
    const eventId = `${personId}-${input.eventId}`;
    const base = { channel: "console" as const, eventId, senderId: String(personId), occurredAt: deps.clock.now() };
    switch (input.kind) {
      case "text":
        return deliver(ctx, deps, { ...base, kind: "text", text: input.text }, { kind: "text", body: { text: input.text } });
      case "location": {
        const { latitude, longitude, label: place } = input;
        const shown = { latitude, longitude, ...(place ? { label: place } : {}) };
        return deliver(ctx, deps, { ...base, kind: "location", ...shown }, { kind: "location", body: shown });
      }
      case "menu_click":
        return deliver(ctx, deps, { ...base, kind: "menu_click", key: input.key }, null);
      case "card_click":
        return click(ctx, deps, personId, input.messageId, input.buttonKey, base, label);
    }
  });

  // The bytes are the body (the page posts the file as is, with its own content type): no
  // multipart parsing, and the media store's type and size checks decide.
  router.post("/media", ...deps.guard, async (ctx) => {
    const personId = await personOf(ctx, deps.store);
    const query = parse(MediaQuery, { kind: ctx.query.kind, eventId: ctx.query.eventId });
    const declared = ctx.get("content-type") || "application/octet-stream";
    // What the button asked for, checked before storing: the store would keep a PDF sent as a photo.
    const kind = SENDABLE[query.kind];
    const known = allowedType(declared);
    if (!known || !kind.accepts(known)) throw Invalid(kind.expected, undefined, "console_wrong_media");
    const stored = await deps.media.save(ctx.request.rawBody ?? Buffer.alloc(0), declared).catch((err: unknown) => {
      // The store names the declared type; the person is told what to send instead.
      if (err instanceof AppError && err.code === "media_content_mismatch") throw Invalid(`这个文件打不开或已损坏。${kind.expected}`, undefined, "console_wrong_media");
      throw err;
    });
    const eventId = `${personId}-${query.eventId}`;
    const base = { channel: "console" as const, eventId, senderId: String(personId), occurredAt: deps.clock.now() };
    const event: InboundEvent =
      query.kind === "image"
        ? { ...base, kind: "image", mediaId: stored.key }
        : query.kind === "voice"
          ? { ...base, kind: "voice", mediaId: stored.key, format: stored.contentType.split("/")[1] }
          : { ...base, kind: "file", mediaId: stored.key };
    // A document shows as the bot's files do: its name, to download.
    if (query.kind === "file") return deliver(ctx, deps, event, { kind: "file", body: { storageKey: stored.key, contentType: stored.contentType }, mediaKey: stored.key });
    return deliver(ctx, deps, event, { kind: query.kind, body: { mediaKey: stored.key, contentType: stored.contentType }, mediaKey: stored.key });
  });

  return router;
}

/** What each upload button sends, and what it says when the file is of another kind (plain words, no MIME type). */
const SENDABLE: Record<"image" | "voice" | "file", { accepts: (type: string) => boolean; expected: string }> = {
  image: { accepts: (t) => t.startsWith("image/"), expected: "请选择图片文件（jpg、png、gif、webp、bmp）" },
  voice: { accepts: (t) => t.startsWith("audio/"), expected: "请选择语音文件（amr、mp3、wav、m4a、ogg）" },
  file: { accepts: (t) => t === "application/pdf", expected: "请选择 PDF 文件（如检测报告、整改材料的扫描件）；照片请用「照片」按钮发送" },
};

/** What the person sent, as their own bubble in the chat; null for clicks, which show no bubble. */
interface Shown {
  kind: string;
  body: Record<string, unknown>;
  mediaKey?: string;
}

/**
 * Stores the event in the inbox; a new one also becomes the person's bubble and is dispatched
 * once the answer is out. A repeat (the same client event id) is answered the same and does nothing.
 */
async function deliver(ctx: Context, deps: ConsoleInboundDeps, event: InboundEvent, shown: Shown | null): Promise<void> {
  // Listen before storing, as the WeChat Work callback does: dispatch follows the answer.
  const answered = new Promise<void>((resolve) => ctx.res.once("close", resolve));
  const outcome = await store(ctx, deps.sink, event);
  if (outcome === "new") {
    // Dispatch is promised first: the event is stored, so it is handled even if the bubble is not.
    void answered.then(() => deps.sink.dispatchSoon(event));
    if (shown) await deps.store.append([{ personId: Number(event.senderId), direction: "in", kind: shown.kind, body: shown.body, mediaKey: shown.mediaKey }]);
  }
  ctx.status = outcome === "new" ? 201 : 200;
  ctx.body = { data: { eventId: event.eventId, duplicate: outcome === "duplicate" } };
}

/**
 * A button pressed on a card of this person's: the card shows it answered at once (WeChat Work's
 * passive reply does the same), and the click goes to the inbox like any message. A card already
 * answered takes no second click, except the very same one submitted again.
 */
async function click(
  ctx: Context,
  deps: ConsoleInboundDeps,
  personId: number,
  messageId: number,
  buttonKey: string,
  base: Omit<InboundEvent, "kind">,
  label: NonNullable<ConsoleInboundDeps["buttonLabel"]>,
): Promise<void> {
  const card = await deps.store.cardOf(personId, messageId);
  const body = card ? (JSON.parse(card.body) as { card?: { taskId?: string; buttons?: CardButton[] } }).card : undefined;
  if (!card || !body?.taskId || !card.responseCode) throw NotFound("该卡片", "console_card_not_found");
  if (!body.buttons?.some((b) => b.key === buttonKey)) throw Invalid("卡片上没有这个按钮", undefined, "console_unknown_button");
  if (card.answeredText !== null && card.answerEvent !== base.eventId) throw Conflict(`该卡片已处理（${card.answeredText}），不能再次点击`, "console_card_answered");
  const event = { ...base, kind: "card_click", taskId: body.taskId, buttonKey, responseCode: card.responseCode } as Extract<InboundEvent, { kind: "card_click" }>;
  if (card.answeredText === null && !(await deps.store.answerByClick(card, label(event, chosenWords(body.buttons.find((b) => b.key === buttonKey)!)), base.eventId))) {
    const now = await deps.store.cardOf(personId, messageId);
    if (now?.answerEvent !== base.eventId) throw Conflict(`该卡片已处理（${now?.answeredText ?? ""}），不能再次点击`, "console_card_answered");
  }
  return deliver(ctx, deps, event, null);
}

async function personOf(ctx: Context, store: ConsoleStore): Promise<number> {
  const raw = String(ctx.params.personId ?? "");
  const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : null;
  if (id === null || !(await store.personExists(id))) throw NotFound("该人员", "console_person_not_found");
  return id;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const messages = result.error.issues.map((i) => (/[\u4e00-\u9fff]/.test(i.message) ? i.message : `${i.path.join(".") || "请求"}格式不正确`));
  throw Invalid(`请求内容有误：${[...new Set(messages)].join("；")}`, undefined, "console_invalid_input");
}

// As in the WeChat Work callback: the driver's error quotes the message, so only its kind is logged.
async function store(ctx: Context, sink: InboundSink, event: InboundEvent): Promise<"new" | "duplicate"> {
  try {
    return await sink.accept(event);
  } catch (err) {
    (ctx.state.log as Logger).error({ err: (err as Error)?.name, code: (err as { code?: unknown })?.code }, "console message not stored");
    throw new AppError("console_store_unavailable", "暂时无法保存消息，请稍后重试", 503, undefined, true);
  }
}
