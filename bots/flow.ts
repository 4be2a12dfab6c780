import type { Card } from "../src/channels/channel";
import type { Person } from "../src/db/entities";
import type { BotServices } from "./services";

/**
 * What a flow sees of a person's message: platform-neutral, media already in our store, a card
 * button, a typed number or a typed label already turned into the choice it names.
 */
export type FlowInput =
  | { kind: "text"; text: string }
  | { kind: "choice"; key: string; label: string }
  | { kind: "photo"; storageKey: string; contentType: string }
  /** A PDF (a 检测报告): only proof steps take one; elsewhere it is asked again like any unexpected reply. */
  | { kind: "document"; storageKey: string }
  | { kind: "voice"; storageKey: string }
  | { kind: "location"; latitude: number; longitude: number; label?: string };

/** One option of a question: `key` comes back in a `choice` input, `label` is what the person reads. */
export interface Choice {
  key: string;
  label: string;
  /** What the choice does, shown next to it once (the menu's summaries); never on a button. */
  detail?: string;
}

/**
 * A question the bot asks and waits on. Choices are numbered in the text; on channels with cards
 * they are also buttons (when there are few enough). Typing the number or the label works everywhere.
 */
export interface Question {
  text: string;
  choices?: Choice[];
  /** Shown with the question when the person's reply was not understood, e.g. `例如：消防通道堵塞`. */
  examples?: string;
}

/** Where a flow is, stored with the conversation between turns; must survive JSON. */
export interface FlowState {
  step: string;
  data: Record<string, unknown>;
}

/** What a flow wants after a turn. */
export type Next =
  /** Wait for the person's next message; `retry` says why the last one was not taken (shown before the question). */
  | { ask: Question; state: FlowState; retry?: string }
  /** The flow is over; the conversation ends. */
  | { done: true }
  /** Hand over to another flow, e.g. 巡查打卡 → 隐患随手拍 with the enterprise filled in. */
  | { goto: string; seed: Record<string, unknown> };

/** One turn: who is writing, the services flows act through, and the replies to send. */
export interface FlowContext {
  person: Person;
  now: Date;
  services: BotServices;
  /**
   * Names the inbound message this turn answers. A flow passes it (with a suffix per call) to the
   * domain verbs that create or change something, so a turn replayed after its reply could not be
   * stored finds what it already did instead of doing it twice.
   */
  requestKey: string;
  /** Queues a text reply; replies go out in order, after the turn, exactly once. */
  say(text: string): void;
  /** Queues an information card (no buttons: questions carry the buttons). */
  card(card: Omit<Card, "taskId" | "buttons">): void;
  /** Queues a photo (or any file) from our media store, e.g. a hazard's before/after photos. */
  file(storageKey: string): void;
}

/**
 * A conversation a person can have with the bot. Flows never see the platform: they get
 * `FlowInput`s and answer with `Next`; the engine renders questions, keeps the state, handles
 * 取消 / 帮助, expiry and errors (a domain error's Chinese message is shown and the question repeated).
 */
export interface Flow {
  /** Stable id, also the app-menu key (`flow:<name>`). */
  name: string;
  /** How the menu shows it, e.g. `隐患随手拍`. */
  label: string;
  /** One line under the label in the help text. */
  summary: string;
  /** Words that start the flow when typed outside a conversation, e.g. `随手拍`, `隐患`. */
  keywords: string[];
  /**
   * The conversation must not tie the person to what they say (举报): its replies go out without
   * naming their source, so the outbox's tables do not join the tipster to the tip.
   */
  confidential?: boolean;
  /** False for flows reached only from a card or 我的待办 on one hazard (即知即改, 转交). */
  inMenu?: boolean;
  /** The steps that take a PDF (a rectification's proof); elsewhere the engine says no file is needed. */
  documentSteps?: readonly string[];
  /** Whether this person may use it (by their roles); the menu lists only these. */
  allowed(person: Person): boolean;
  start(ctx: FlowContext, seed?: Record<string, unknown>): Promise<Next>;
  reply(ctx: FlowContext, state: FlowState, input: FlowInput): Promise<Next>;
}

/** Helpers so flows read as what they do. */
export const next = {
  ask: (question: Question, step: string, data: Record<string, unknown>): Next => ({ ask: question, state: { step, data } }),
  /** Same question again, with why the reply was not taken. */
  retry: (question: Question, state: FlowState, why: string): Next => ({ ask: question, state, retry: why }),
  done: (): Next => ({ done: true }),
  goto: (flow: string, seed: Record<string, unknown>): Next => ({ goto: flow, seed }),
};

/** The choice a typed reply names: its number (`2`, `２`, `2.`) or its label; undefined when neither. */
export function choiceOf(text: string, choices: readonly Choice[]): Choice | undefined {
  const t = text.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[.。、)）]$/, "");
  if (/^\d{1,3}$/.test(t)) return choices[Number(t) - 1];
  return choices.find((c) => c.label === t || c.key === t);
}
