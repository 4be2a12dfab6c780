import type { EntityManager } from "typeorm";
import type { ChannelId, InboundEvent } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { failureCode } from "../../db/dialect";
import { Callout, type Person } from "../../db/entities";
import { Conflict, Forbidden, NotFound } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import type { OutboxService } from "../outbox";
import { recordAckClick } from "./ackClick";
import { takeAnswer } from "./answers";
import type { AudienceRule } from "./audience";
import { currentAnswerMinutes } from "./answerMinutes";
import { createDraft, type DraftInput, editDraft, markSent, type PreviewRow, previewRows } from "./drafts";
import { type BoardCounts, type BoardRow, countBoard, loadBoard } from "./figures";
import { lockCallout } from "./lock";
import { type CampaignRun, runCampaign, runDue, type TickDeps, type TickResult } from "./tick";
import { type CalloutState, calloutIdOfTask, DEFAULT_ANSWER_MINUTES, type WarningLevel } from "./vocabulary";
import { withdraw } from "./withdraw";

export interface CalloutServiceDeps {
  db: Database;
  clock: Clock;
  outbox: OutboxService;
  /** Enabled channels in order of preference. */
  channels: readonly ChannelId[];
  /** Minutes to answer by level; defaults 红 15, 橙 30, 黄 60, 蓝 120. */
  answerMinutes?: Partial<Record<WarningLevel, number>>;
  /** Tests only: throws inside a step's transaction after its messages are enqueued. */
  fault?: (step: string) => void;
}

/** A sent campaign and how its first cards fared. */
export interface SendResult {
  callout: Callout;
  /**
   * The campaign's own first passes, run at once: `failed` holds a short code when they threw.
   * The campaign is sent either way (its rows stay due) and the minute tick retries the cards.
   */
  dispatch: CampaignRun & { failed: string | null };
}

export interface Board {
  callout: Callout;
  counts: BoardCounts;
  people: BoardRow[];
}

/** 叫应 campaigns: drafts, sending, answers, the minute tick and the board. */
export class CalloutService {
  private readonly minutes: Record<WarningLevel, number>;

  constructor(private readonly deps: CalloutServiceDeps) {
    this.minutes = { ...DEFAULT_ANSWER_MINUTES, ...deps.answerMinutes };
  }

  create(actor: Person, input: DraftInput): Promise<Callout> {
    return this.deps.db.transaction((tx) => this.createIn(tx, actor, input));
  }

  /** `create` inside the caller's transaction, for a change that must commit with the draft (a warning's record). */
  async createIn(tx: EntityManager, actor: Person, input: DraftInput): Promise<Callout> {
    const now = this.deps.clock.now();
    const c = await createDraft(tx, actor, input, now, await currentAnswerMinutes(tx, this.minutes));
    await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "callout.create", entityType: "callout", entityId: c.id, after: { title: c.title, level: c.level } });
    return c;
  }

  editRecipients(actor: Person, id: number, change: { rules: AudienceRule[]; add: number[]; remove: number[] }): Promise<void> {
    return this.deps.db.transaction((tx) => editDraft(tx, actor, id, change));
  }

  preview(id: number): Promise<PreviewRow[]> {
    return previewRows(this.deps.db.manager, id);
  }

  /**
   * Sends a draft and enqueues its cards at once, running only this campaign's passes. Once the
   * state change has committed the campaign IS sent, so a failure of the cards is not the
   * request's failure: it comes back in `dispatch.failed` for the caller to log, and the minute
   * tick sends what is still due.
   */
  async send(actor: Person, id: number): Promise<SendResult> {
    const now = this.deps.clock.now();
    const callout = await this.deps.db.transaction(async (tx) => {
      const sent = await markSent(tx, actor, id, now);
      await appendAudit(tx, { at: now, actor: `person:${actor.id}`, action: "callout.send", entityType: "callout", entityId: id, after: { deadlineAt: sent.deadlineAt } });
      return sent;
    });
    try {
      return { callout, dispatch: { ...(await runCampaign(this.tickDeps(), id, now)), failed: null } };
    } catch (err) {
      return { callout, dispatch: { steps: 0, closed: false, failed: failureCode(err) } };
    }
  }

  /** The initiator stops the campaign: nothing more is sent and everyone called is told. */
  async cancel(actor: Person, id: number): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const c = await lockCallout(tx, id);
      if (!c) throw NotFound("该叫应", "callout_not_found");
      if (c.initiatorId !== actor.id && !actor.roles.includes("admin")) throw Forbidden("只有发起人可以取消该叫应", "callout_not_initiator");
      if (c.state !== "draft" && c.state !== "sent") throw Conflict("该叫应已结束，不能取消", "callout_not_open");
      await withdraw(tx, this.tickDeps(), c, `person:${actor.id}`, "initiator", this.deps.clock.now());
    });
  }

  /**
   * Ends a campaign because its warning was lifted (CAP Cancel) or an unsent draft was replaced by
   * the warning's update, inside the caller's transaction. The publisher's message is the
   * authority here, so any duty officer relaying it may do so, not only the initiator. Returns the
   * state before: only a draft or a sent campaign is ended; a closed or cancelled one is left be.
   */
  async endForWarning(tx: EntityManager, actor: Person, id: number, reason: "warning_lifted" | "warning_replaced"): Promise<CalloutState | null> {
    const c = await lockCallout(tx, id);
    if (!c) return null;
    const before = c.state;
    if (before === "draft" || before === "sent") await withdraw(tx, this.tickDeps(), c, `person:${actor.id}`, reason, this.deps.clock.now());
    return before;
  }

  async board(id: number): Promise<Board> {
    const callout = await this.deps.db.manager.findOneBy(Callout, { id });
    if (!callout) throw NotFound("该叫应", "callout_not_found");
    const people = await loadBoard(this.deps.db.manager, id);
    return { callout, counts: countBoard(people), people };
  }

  /** The minute tick's work (jobs/calloutTick.job.ts). */
  runDue(now: Date): Promise<TickResult> {
    return runDue(this.tickDeps(), now);
  }

  private tickDeps(): TickDeps {
    return { db: this.deps.db, outbox: this.deps.outbox, channels: this.deps.channels, fault: this.deps.fault };
  }

  /**
   * A card click or a text as a callout answer; false when it is none (the bot goes on). A first
   * 「收到」 click is one statement (ackClick.ts); everything else takes the general path.
   */
  async answer(event: InboundEvent): Promise<boolean> {
    if (event.kind === "card_click") {
      const calloutId = calloutIdOfTask(event.taskId);
      if (calloutId !== null && (await recordAckClick(this.deps.db, event, calloutId))) return true;
    }
    return this.deps.db.transaction((tx) => takeAnswer(tx, this.deps.outbox, event));
  }
}
