import { FAKE_CODES, type FakeHandler, type FakeReply, fail, ok } from "./protocol";
import { type FakeMessage, type FakeState, randomId } from "./state";

/** message/send, update_template_card and recall, with the platform's limits and quirks. */

const INTERACTIVE = new Set(["button_interaction", "vote_interaction", "multiple_interaction"]);
const TASK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;
const PER_MINUTE = 30;
const PER_HOUR = 1000;

type Body = Record<string, unknown>;
const obj = (v: unknown): Body | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Body) : undefined);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const messageSend: FakeHandler = (req, state, config) => {
  const body = req.json ?? {};
  if (Number(body.agentid) !== config.agentId) return fail(40056, "invalid agentid");
  // Checked before the shape: a suppressed repeat of a card must not trip over its own task_id.
  const duplicate = findDuplicate(body, state);
  if (duplicate) {
    state.messages.push({ ...duplicate, body, at: state.now(), delivered: [], dropped: [], duplicateOf: duplicate.msgid, updates: [] });
    return ok({ invaliduser: duplicate.invalid.join("|"), msgid: duplicate.msgid });
  }
  const shapeError = checkShape(body, state);
  if (shapeError) return shapeError;
  const named = str(body.touser) === "@all" ? [...state.users.values()].map((u) => u.userid) : str(body.touser).split("|").filter(Boolean);
  if (named.length === 0 && !body.toparty && !body.totag) return fail(FAKE_CODES.invalidParameter, "touser & toparty & totag all empty");
  if (named.length > 1000) return fail(FAKE_CODES.invalidParameter, "touser exceed max 1000");
  const invalid = named.filter((u) => !state.user(u)).map((u) => u.toLowerCase());
  const valid = named.filter((u) => state.user(u)).map((u) => (state.user(u) as { userid: string }).userid);
  if (valid.length === 0 && !body.toparty && !body.totag) return fail(81013, "user & party & tag all invalid");

  if (!withinDailyQuota(state, config.dailyQuota, valid.length)) return fail(45009, "api freq out of limit, the app's daily message quota is used up");

  const message: FakeMessage = { msgid: randomId(32), msgtype: str(body.msgtype), body, at: state.now(), delivered: [], dropped: [], invalid, recalled: false, updates: [] };
  for (const user of valid) (withinMemberLimits(state, user) ? message.delivered : message.dropped).push(user);
  const card = obj(body.template_card);
  if (card) {
    message.taskId = str(card.task_id) || undefined;
    if (message.taskId) state.taskIds.add(message.taskId);
    if (INTERACTIVE.has(str(card.card_type)) || card.action_menu) message.responseCode = state.issueResponseCode(message.msgid);
  }
  state.messages.push(message);
  return ok({ invaliduser: invalid.join("|"), msgid: message.msgid, ...(message.responseCode ? { response_code: message.responseCode } : {}) });
};

export const updateTemplateCard: FakeHandler = (req, state, config) => {
  const body = req.json ?? {};
  if (Number(body.agentid) !== config.agentId) return fail(40056, "invalid agentid");
  const code = state.responseCodes.get(str(body.response_code));
  if (!code || code.used || code.expiresAt < state.now()) return fail(FAKE_CODES.spentResponseCode, "invalid response_code");
  if (!obj(body.button)?.replace_name && !obj(body.template_card)) return fail(FAKE_CODES.invalidParameter, "missing button or template_card");
  code.used = true;
  state.messages.find((m) => m.msgid === code.msgid)?.updates.push(body);
  const userids = Array.isArray(body.userids) ? (body.userids as string[]) : [];
  return ok({ invaliduser: userids.filter((u) => !state.user(u)) });
};

export const recall: FakeHandler = (req, state) => {
  const message = state.messages.find((m) => m.msgid === str(req.json?.msgid) && !m.duplicateOf);
  // Only messages of the last 24 hours can be recalled.
  if (!message || message.recalled || state.now() - message.at > 24 * 3600_000) return fail(FAKE_CODES.unknownMsgid, "invalid msgid");
  message.recalled = true;
  return ok();
};

/** The payload checks of doc /90236; undefined when the body is acceptable. */
function checkShape(body: Body, state: FakeState): FakeReply | undefined {
  const type = str(body.msgtype);
  const part = obj(body[type]);
  const bytes = (s: unknown) => Buffer.byteLength(str(s), "utf8");
  switch (type) {
    case "text":
    case "markdown":
      if (!str(part?.content).trim()) return fail(44004, "empty content");
      if (bytes(part?.content) > 2048) return fail(45002, "content size out of limit");
      return undefined;
    case "textcard":
      if (!str(part?.title) || !str(part?.description) || !str(part?.url)) return fail(FAKE_CODES.invalidParameter, "missing title, description or url");
      if (bytes(part?.title) > 128 || bytes(part?.description) > 512) return fail(45002, "content size out of limit");
      return undefined;
    case "news": {
      const articles = Array.isArray(part?.articles) ? (part?.articles as Body[]) : [];
      if (articles.length < 1 || articles.length > 8) return fail(FAKE_CODES.invalidParameter, "articles count must be 1..8");
      if (articles.some((a) => !str(a.title) || !str(a.url))) return fail(FAKE_CODES.invalidParameter, "missing title or url");
      return undefined;
    }
    case "file":
    case "image":
    case "voice":
    case "video":
      return state.media.has(str(part?.media_id)) ? undefined : fail(40007, "invalid media_id");
    case "template_card":
      return checkCard(part, state);
    default:
      return fail(FAKE_CODES.invalidParameter, `invalid message type ${type || "(none)"}`);
  }
}

function checkCard(card: Body | undefined, state: FakeState): FakeReply | undefined {
  const type = str(card?.card_type);
  if (!card || !["text_notice", "news_notice", ...INTERACTIVE].includes(type)) return fail(FAKE_CODES.invalidParameter, "invalid card_type");
  const taskId = str(card.task_id);
  if (taskId && !TASK_ID.test(taskId)) return fail(FAKE_CODES.invalidParameter, "invalid task_id");
  if (taskId && state.taskIds.has(taskId)) return fail(FAKE_CODES.invalidParameter, "task_id duplicated");
  if ((INTERACTIVE.has(type) || card.action_menu) && !taskId) return fail(FAKE_CODES.invalidParameter, "missing task_id");
  if (!str(obj(card.main_title)?.title) && !str(card.sub_title_text)) return fail(FAKE_CODES.invalidParameter, "missing main_title.title and sub_title_text");
  if (type === "text_notice" && ![1, 2].includes(Number(obj(card.card_action)?.type))) return fail(FAKE_CODES.invalidParameter, "text_notice needs card_action");
  if (type === "button_interaction") {
    const buttons = Array.isArray(card.button_list) ? (card.button_list as Body[]) : [];
    if (buttons.length < 1 || buttons.length > 6) return fail(FAKE_CODES.invalidParameter, "button_list size must be 1..6");
    const keys = buttons.filter((b) => Number(b.type ?? 0) === 0).map((b) => str(b.key));
    if (keys.some((k) => !k || Buffer.byteLength(k) > 1024) || new Set(keys).size !== keys.length) return fail(FAKE_CODES.invalidParameter, "invalid button key");
  }
  const fields = card.horizontal_content_list;
  if (Array.isArray(fields) && fields.length > 6) return fail(FAKE_CODES.invalidParameter, "horizontal_content_list exceed 6");
  return undefined;
}

/** The per-member limits: past 30 a minute or 1000 an hour a message is accepted and silently not shown. */
function withinMemberLimits(state: FakeState, userid: string): boolean {
  const now = state.now();
  const recent = (state.deliveries.get(userid) ?? []).filter((t) => now - t < 3600_000);
  const lastMinute = recent.filter((t) => now - t < 60_000).length;
  const allowed = lastMinute < PER_MINUTE && recent.length < PER_HOUR;
  if (allowed) recent.push(now);
  state.deliveries.set(userid, recent);
  return allowed;
}

/** Person-times sent per Shanghai day, per fake: a call to 1,000 people counts 1,000. */
const quotaUsed = new WeakMap<FakeState, { day: number; used: number }>();

/** The app's daily quota: the whole call is refused when it would pass it (the platform blocks the rest of the day). */
function withinDailyQuota(state: FakeState, quota: number | undefined, persons: number): boolean {
  if (quota === undefined) return true;
  const day = Math.floor((state.now() + 8 * 3600_000) / 86_400_000);
  const seen = quotaUsed.get(state);
  const used = seen && seen.day === day ? seen.used : 0;
  if (used + persons > quota) return false;
  quotaUsed.set(state, { day, used: used + persons });
  return true;
}

/**
 * enable_duplicate_check: an identical request within the interval is not sent again. The fake
 * compares the bodies without the two check fields themselves, and answers with the first msgid.
 */
function findDuplicate(body: Body, state: FakeState): FakeMessage | undefined {
  if (Number(body.enable_duplicate_check) !== 1) return undefined;
  const windowMs = Math.min(Number(body.duplicate_check_interval) || 1800, 4 * 3600) * 1000;
  const key = comparable(body);
  return state.messages.find((m) => !m.duplicateOf && state.now() - m.at < windowMs && comparable(m.body) === key);
}

function comparable(body: Body): string {
  const { enable_duplicate_check: _a, duplicate_check_interval: _b, ...rest } = body;
  return JSON.stringify(rest);
}
