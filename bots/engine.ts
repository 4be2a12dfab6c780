import { randomBytes } from "node:crypto";
import type { InboundEvent } from "../src/channels/channel";
import { parseAnswer } from "../src/domain/callouts/answers";
import { noticeCardClick } from "../src/domain/hazards/noticeCard";
import { chosenLabel } from "../src/domain/callouts/buttonLabel";
import type { PassedCard } from "../src/domain/conversations";
import type { InboundHandler } from "../src/domain/inbox";
import { AppError } from "../src/errors";
import type { KeyValue, Lock } from "../src/kv";
import { HELP_MENU_KEY } from "./appMenu";
import { type Conversation, ended, openOf, saved } from "./conversation";
import { choiceOf, type Flow, type FlowInput, type Next, type Question } from "./flow";
import { inputOf } from "./input";
import { renderQuestion } from "./render";
import { replies } from "./replies";
import type { BotServices } from "./services";
import { answerStranger } from "./strangers";
import { Turn } from "./turn";

export interface BotDeps {
  /** Holds the per-person turn lock. */
  kv: KeyValue;
  services: BotServices;
  flows: readonly Flow[];
  /** 叫应 answers (src/domain/callouts): takes a card click or 收到/1/2 from someone called. */
  callouts?: { answer(event: InboundEvent): Promise<boolean> };
}

/** Kinds a person sends on purpose; opening the app or a location report is no reason to answer. */
const CONVERSATIONAL = new Set<InboundEvent["kind"]>(["text", "image", "voice", "file", "location", "menu_click", "card_click"]);
const BARE_NUMBER = /^\s*\d{1,3}\s*$/;
const CANCEL = new Set(["取消", "退出", "算了", "cancel", "quit"]);
const HELP = new Set(["帮助", "菜单", "help", "menu", "?", "？", "你好", "您好"]);
/** The menu is a question like any other: its pseudo-flow name keeps the choice pending. */
const MENU = "menu";
/** 巡查打卡 → 隐患随手拍 is one hop; more would be a loop. */
const MAX_HANDOVERS = 3;
/** A person's messages are handled one at a time (three photos sent together arrive together). */
const TURN_LOCK_MS = 30_000;
const TURN_LOCK_WAIT_MS = 5_000;

/**
 * The conversation engine. It knows who is writing, turns buttons, numbers and photos into flow
 * inputs, and handles 取消 / 帮助 / expiry itself. A turn is atomic: the conversation's new state
 * and the replies (outbox rows keyed by the inbound event) commit in one transaction, so a turn
 * whose reply could not be stored is replayed by the inbox from the same state, and a turn that
 * committed is recognised by its event and never answered twice.
 */
export class BotEngine implements InboundHandler {
  private readonly flowsByName: Map<string, Flow>;

  constructor(private readonly deps: BotDeps) {
    this.flowsByName = new Map(deps.flows.map((f) => [f.name, f]));
  }

  async handle(event: InboundEvent): Promise<void> {
    if (!CONVERSATIONAL.has(event.kind)) return;
    // A 叫应 card click is the callout's, whatever the conversation.
    if (event.kind === "card_click" && (await this.deps.callouts?.answer(event))) return;
    const { conversations } = this.deps.services;
    const person = await conversations.sender(event.channel, event.senderId);
    if (!person || !person.active) return answerStranger(conversations, event, person);

    const lock = await this.lockTurn(person.id);
    try {
      const turn = new Turn(event, person, this.deps.services);
      const view = await conversations.view(person.id, turn.eventKey);
      if (view.answered) return;
      const open = openOf(view);
      // A menu left unanswered is no unfinished business: its expiry goes unmentioned.
      await this.converse(turn, open, view.expired === MENU ? null : view.expired);
      const passed = passedCard(turn, open, view.expiredTaskId ?? null);
      await conversations.commit({
        personId: person.id,
        eventKey: turn.eventKey,
        change: turn.change,
        replies: turn.outgoing,
        to: { channel: event.channel, userId: event.senderId, personId: person.id },
        confidential: turn.confidential,
        stored: view.stored,
        passedCards: passed ? [passed] : [],
      });
    } finally {
      await lock.release();
    }
  }

  private async converse(turn: Turn, conversation: Conversation | null, expired: string | null): Promise<void> {
    const { event } = turn;
    const text = event.kind === "text" ? event.text.trim() : null;

    if (text !== null && CANCEL.has(text.toLowerCase())) {
      if (!conversation) return turn.say(replies.nothingToCancel());
      turn.change = ended;
      turn.passedAs = PASSED.cancelled;
      return turn.say(conversation.flow === MENU ? replies.menuClosed() : replies.cancelled(this.labelOf(conversation.flow)));
    }
    if (text !== null && HELP.has(text.toLowerCase())) return this.showMenu(turn);
    if (text !== null && mayAnswerCallout(text, conversation) && (await this.deps.callouts?.answer(event))) return;
    if (event.kind === "menu_click") {
      if (event.key === HELP_MENU_KEY) return this.showMenu(turn);
      return this.startNamed(turn, event.key.replace(/^flow:/, ""), undefined);
    }
    if (event.kind === "card_click") {
      // A hazard notice's buttons open their flow on that hazard, whatever was on screen.
      const action = noticeCardClick(event.taskId, event.buttonKey);
      if (action) return this.startNamed(turn, action.flow, { hazardId: action.hazardId, cardVersion: action.version });
      const choice = conversation?.taskId && isSameCard(conversation.taskId, event.taskId) ? conversation.question.choices?.find((c) => c.key === event.buttonKey) : undefined;
      if (!conversation || !choice) return turn.say(replies.staleCard());
      return this.answer(turn, conversation, { kind: "choice", key: choice.key, label: choice.label });
    }

    let input: FlowInput | null;
    try {
      input = await inputOf(event, this.deps.services);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      turn.say(err.message);
      turn.passedAs = PASSED.answered;
      if (conversation) this.reask(turn, conversation);
      return;
    }
    if (!input) return;
    if (conversation) return this.answer(turn, conversation, input);
    return this.openingTurn(turn, input, expired);
  }

  /**
   * A message outside any conversation: a flow's keyword, a photo (随手拍), or the menu. When the
   * last conversation timed out unanswered, that is said first (once: the turn ends it).
   */
  private async openingTurn(turn: Turn, input: FlowInput, expired: string | null = null): Promise<void> {
    if (expired) {
      turn.change = ended;
      turn.say(replies.expired(this.labelOf(expired)));
      return this.showMenu(turn);
    }
    if (input.kind === "text") {
      const flow = this.flowFor(input.text);
      if (flow) return this.start(turn, flow, undefined);
    }
    if (input.kind === "photo") {
      const flow = this.flowsByName.get("hazard_photo");
      if (flow?.allowed(turn.person)) {
        // Said first, so a photo sent without a word does not start a flow silently.
        turn.say(replies.photoStartsFlow(flow.label));
        return this.start(turn, flow, { photoKeys: [input.storageKey] });
      }
    }
    if (input.kind === "document") return turn.say(replies.documentOutsideFlow());
    turn.say(input.kind === "text" && BARE_NUMBER.test(input.text) ? replies.noMenuOnScreen() : replies.notUnderstood());
    return this.showMenu(turn);
  }

  private async answer(turn: Turn, conversation: Conversation, raw: FlowInput): Promise<void> {
    const choices = conversation.question.choices ?? [];
    const picked = raw.kind === "text" && choices.length > 0 ? choiceOf(raw.text, choices) : undefined;
    const input: FlowInput = picked ? { kind: "choice", key: picked.key, label: picked.label } : raw;
    turn.passedAs = picked ? PASSED.chose(picked.label) : PASSED.answered;
    if (conversation.flow === MENU) {
      if (input.kind === "choice") return this.startNamed(turn, input.key, undefined);
      // Not a number from the menu: a flow's word or a photo still starts the flow it names.
      turn.change = ended;
      return this.openingTurn(turn, input);
    }
    const flow = this.flowsByName.get(conversation.flow);
    if (!flow || !flow.allowed(turn.person)) {
      turn.change = ended;
      return this.showMenu(turn);
    }
    // A PDF where no step takes one: the question stays as it was, card and all.
    if (input.kind === "document" && !flow.documentSteps?.includes(conversation.state.step)) {
      turn.say(replies.documentNotHere());
      return this.reask(turn, conversation);
    }
    await this.follow(turn, flow, () => flow.reply(turn.context(), conversation.state, input), conversation);
  }

  private async startNamed(turn: Turn, name: string, seed: Record<string, unknown> | undefined): Promise<void> {
    const flow = this.flowsByName.get(name);
    if (!flow) return this.showMenu(turn);
    return this.start(turn, flow, seed);
  }

  private async start(turn: Turn, flow: Flow, seed: Record<string, unknown> | undefined): Promise<void> {
    if (!flow.allowed(turn.person)) return turn.say(replies.notAllowed(flow.label));
    await this.follow(turn, flow, () => flow.start(turn.context(), seed), null);
  }

  /**
   * Runs a flow step and acts on where it leads. A domain refusal (an AppError) is shown in its
   * own Chinese words and the question on screen stays; anything else fails the turn, which the
   * inbox retries — nothing of the turn is stored yet, so the retry starts from the same state.
   */
  private async follow(turn: Turn, flow: Flow, step: () => Promise<Next>, current: Conversation | null, hops = 0): Promise<void> {
    if (flow.confidential) turn.confidential = true;
    let next: Next;
    try {
      next = await step();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      turn.say(err.message);
      // A conflict means someone else changed the thing meanwhile: asking again cannot help.
      if (current && err.status !== 409) this.reask(turn, current);
      else turn.change = ended;
      return;
    }
    if ("done" in next) {
      turn.change = ended;
      return;
    }
    if ("goto" in next) {
      const target = this.flowsByName.get(next.goto);
      if (!target || hops >= MAX_HANDOVERS) {
        turn.change = ended;
        return;
      }
      if (!target.allowed(turn.person)) {
        turn.change = ended;
        return turn.say(replies.notAllowed(target.label));
      }
      const seed = next.seed;
      return this.follow(turn, target, () => target.start(turn.context(), seed), null, hops + 1);
    }
    const conversation: Conversation = { flow: flow.name, state: next.state, question: next.ask };
    this.ask(turn, conversation, next.retry);
  }

  private async showMenu(turn: Turn): Promise<void> {
    const flows = this.deps.flows.filter((f) => f.inMenu !== false && f.allowed(turn.person));
    if (flows.length === 0) return turn.say(replies.nothingAllowed(turn.person.name));
    const question: Question = {
      // One list: the renderer numbers the choices (with their summaries) or makes them buttons.
      text: [replies.menuTitle(turn.person.name), replies.menuFooter()].join("\n"),
      choices: flows.map((f) => ({ key: f.name, label: f.label, detail: f.summary })),
    };
    this.ask(turn, { flow: MENU, state: { step: MENU, data: {} }, question });
  }

  private ask(turn: Turn, conversation: Conversation, retry?: string): void {
    const taskId = `bot_${turn.person.id}_${randomBytes(6).toString("hex")}`;
    const message = renderQuestion(turn.event.channel, conversation.question, taskId, retry);
    turn.send(message);
    const { taskId: _earlier, ...rest } = conversation;
    turn.change = saved(message.kind === "card" ? { ...rest, taskId } : rest);
  }

  /**
   * The question on screen again. A card goes out under a new task id — WeChat Work refuses a
   * task_id it has seen, so the same card cannot be sent twice — and the one above it passes.
   */
  private reask(turn: Turn, conversation: Conversation, retry?: string): void {
    this.ask(turn, conversation, retry);
  }

  private flowFor(text: string): Flow | undefined {
    const t = text.trim();
    return this.deps.flows.find((f) => f.label === t || f.keywords.some((k) => t === k || t.startsWith(k)));
  }

  private labelOf(name: string): string {
    return name === MENU ? "菜单" : (this.flowsByName.get(name)?.label ?? "当前事项");
  }

  private async lockTurn(personId: number): Promise<Lock> {
    const deadline = Date.now() + TURN_LOCK_WAIT_MS;
    for (;;) {
      const lock = await this.deps.kv.acquireLock(`bot:turn:${personId}`, TURN_LOCK_MS);
      if (lock) return lock;
      // The inbox retries a failed turn with back-off; nothing has been said or stored yet.
      if (Date.now() > deadline) throw new AppError("bot_turn_busy", replies.busy(), 503);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** What a passed question's card says on its greyed-out buttons, as a click's answer would. */
const PASSED = {
  chose: chosenLabel,
  answered: "已回复",
  cancelled: "已取消",
  timedOut: "已超时",
  /** Put aside for something else (the menu, a notice card's button). */
  ended: "已结束",
};

/**
 * The card of the question this turn put behind the person, without a click on that card: answered
 * by typing, cancelled, timed out, or left for another question. Its buttons then grey out as a
 * click's would (WeChat Work and the console alike), instead of answering "这张卡片已失效" later.
 */
function passedCard(turn: Turn, before: Conversation | null, expiredTaskId: string | null): PassedCard | null {
  if (!before) return expiredTaskId ? { taskId: expiredTaskId, text: PASSED.timedOut } : null;
  if (!before.taskId) return null;
  const { event, change } = turn;
  // The click answered its own card (the channel greyed it out); an unchanged conversation keeps its card live.
  if (event.kind === "card_click" && isSameCard(before.taskId, event.taskId)) return null;
  if (change.kind === "keep" || (change.kind === "save" && change.conversation.taskId === before.taskId)) return null;
  return { taskId: before.taskId, text: turn.passedAs ?? PASSED.ended };
}

/**
 * Whether a text may be a 叫应 answer. Outside a conversation the callout decides (it also takes a
 * free-text report of measures when it asked for one). Inside one, only an unmistakable 收到 /
 * 已落实 is, and not a number that picks a choice of the question on screen: a description typed
 * into a flow must never be filed as a callout report.
 */
function mayAnswerCallout(text: string, conversation: Conversation | null): boolean {
  if (!conversation) return true;
  if (parseAnswer(text) === null) return false;
  const choices = conversation.question.choices ?? [];
  return !(choices.length > 0 && choiceOf(text, choices));
}

/**
 * Whether a click came from the card we sent. A channel may send one card in several calls and
 * give each its own task id (WeChat Work: the card's id plus `-<8 hex>`, see its cards.ts).
 */
function isSameCard(sent: string, clicked: string): boolean {
  return clicked === sent || (clicked.startsWith(`${sent}-`) && /^[0-9a-f]{8}$/.test(clicked.slice(sent.length + 1)));
}
